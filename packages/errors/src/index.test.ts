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
        'KeyNotFoundError',
        'KeyringUnavailableError',
        'LocalAgentError',
        'NetworkError',
        'ProviderError',
        'ProviderUnavailableError',
        'QuotaExceededError',
        'REDACTED',
        'RateLimitError',
        'SECRET_PATTERNS',
        'StorageError',
        'TimeoutError',
        'addErrorReporter',
        'classifyError',
        'errorCatalogMarkdown',
        'explain',
        'formatError',
        'fromHttpResponse',
        'fromResponse',
        'getHeader',
        'isSecretFieldName',
        'maskDetails',
        'maskSecrets',
        'reportError',
        'requestIdFromHeaders',
        'retryAfterFromHeaders',
        'shouldRetryFromHeaders',
      ].sort(),
    );
  });
});
