import * as api from './index';

// The public names other packages code against; removing or renaming one is a breaking change.
describe('@localagent/errors public API', () => {
  it('exports every documented name', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AbortedError',
        'AuthenticationError',
        'CircuitOpenError',
        'ConfigurationError',
        'ContentFilteredError',
        'DecryptionError',
        'ERROR_CATALOG',
        'InvalidKeyError',
        'InvalidRequestError',
        'KeyConflictError',
        'KeyNotFoundError',
        'KeyringUnavailableError',
        'LocalAgentError',
        'NetworkError',
        'ProviderError',
        'ProviderUnavailableError',
        'QuotaExceededError',
        'REDACTED',
        'RateLimitError',
        'MIN_SECRET_LENGTH',
        'SECRET_FAMILIES',
        'SECRET_PATTERNS',
        'StorageError',
        'TimeoutError',
        'addErrorReporter',
        'classifyError',
        'createSecretMasker',
        'errorCatalogMarkdown',
        'explain',
        'formatError',
        'fromHttpResponse',
        'fromResponse',
        'getHeader',
        'isSecretFieldName',
        'maskDetails',
        'maskSecrets',
        'registerSecret',
        'reportError',
        'requestIdFromHeaders',
        'secretsVersion',
        'retryAfterFromHeaders',
        'shouldRetryFromHeaders',
        'unregisterSecret',
      ].sort(),
    );
  });
});
