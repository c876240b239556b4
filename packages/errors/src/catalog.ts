import type { ErrorCategory } from './category.js';

/** One error code: what it means and what to do. `packages/errors/ERRORS.md` is generated from these. */
export interface ErrorCatalogEntry {
  /** Stable forever: never renamed, never reused for another meaning. */
  code: string;
  /** The class thrown with this code. */
  className: string;
  /** The package that defines `className`. */
  package: string;
  category: ErrorCategory;
  /** Whether retrying the same call may succeed (the class default; `x-should-retry` may override it per error). */
  retryable: boolean;
  /** What happened, in one line. */
  meaning: string;
  /** What to do now, in one sentence. Errors may carry a more specific one. */
  suggestion: string;
}

const ERRORS = '@localagent/errors';

function entry(
  code: string,
  className: string,
  category: ErrorCategory,
  meaning: string,
  suggestion: string,
  extra: { retryable?: boolean; package?: string } = {},
): ErrorCatalogEntry {
  return {
    code,
    className,
    package: extra.package ?? ERRORS,
    category,
    retryable: extra.retryable ?? category === 'transient',
    meaning,
    suggestion,
  };
}

/**
 * Every code LocalAgent throws, in one place. Add new codes at the end of their group; never
 * change the meaning of a published code or reuse a retired one.
 */
export const ERROR_CATALOG: readonly ErrorCatalogEntry[] = Object.freeze(
  [
    // provider failures
    entry(
      'LA_AUTH_FAILED',
      'AuthenticationError',
      'user',
      'The provider rejected the API key (HTTP 401/403): it is invalid, revoked or lacks permission for this model.',
      'Run `localagent config set-key <provider>` to store a valid key.',
    ),
    entry(
      'LA_RATE_LIMITED',
      'RateLimitError',
      'transient',
      'The provider is rate limiting this key (HTTP 429); `retryAfterMs` says how long it asked us to wait.',
      'Wait `retryAfterMs` and retry; reduce request concurrency if this keeps happening.',
    ),
    entry(
      'LA_QUOTA_EXCEEDED',
      'QuotaExceededError',
      'user',
      'The account is out of quota or credit (OpenAI 429 `insufficient_quota`, a daily Gemini quota, HTTP 402): not a rate limit.',
      "Check the plan and billing on the provider's dashboard, or switch to another provider.",
    ),
    entry(
      'LA_PROVIDER_UNAVAILABLE',
      'ProviderUnavailableError',
      'transient',
      'The provider is down, overloaded or could not finish the request (HTTP 5xx, Anthropic 529 `overloaded_error`, 408, 409).',
      'Retry later (the retry policy does so with backoff) or fail over to another provider.',
    ),
    entry(
      'LA_INVALID_REQUEST',
      'InvalidRequestError',
      'permanent',
      'The provider refused the request itself (HTTP 400, 404 unknown model, 413, 422).',
      'Fix the request (model name, parameters, input size); sending it again unchanged will fail again.',
    ),
    entry(
      'LA_CONTENT_FILTERED',
      'ContentFilteredError',
      'user',
      "The provider's content filter refused the prompt or the completion (Azure `content_filter`).",
      'Rephrase the input; retrying it unchanged will be refused again.',
    ),
    entry(
      'LA_PROVIDER_ERROR',
      'ProviderError',
      'permanent',
      'The provider reported an error that fits no other code (an unrecognised error event or status).',
      "Read the provider's message; rerun with LOCALAGENT_DEBUG=1 for the cause chain and report it so it can be classified.",
    ),
    // reaching the provider
    entry(
      'LA_NETWORK',
      'NetworkError',
      'transient',
      'The provider could not be reached: connection refused or reset, DNS failure, broken pipe.',
      'Check your network connection, proxy settings and the provider base URL, then retry.',
    ),
    entry(
      'LA_TIMEOUT',
      'TimeoutError',
      'transient',
      'The call took longer than allowed (a connect, headers or overall timeout).',
      'Retry; if it keeps timing out, raise the timeout or check the provider status page.',
    ),
    entry(
      'LA_TLS_FAILED',
      'NetworkError',
      'user',
      "The TLS handshake failed: the server's certificate is self-signed, expired or for another host, or the URL speaks plain HTTP; retrying cannot fix it.",
      'Check the base URL (https vs http); behind a corporate proxy, point NODE_EXTRA_CA_CERTS at its CA bundle. Never disable certificate checks.',
    ),
    entry(
      'LA_ABORTED',
      'AbortedError',
      'user',
      'The caller cancelled the operation (its AbortSignal fired); not a provider failure, so it is never retried.',
      'Run the operation again if the cancellation was not intended.',
    ),
    // resilience
    entry(
      'LA_CIRCUIT_OPEN',
      'CircuitOpenError',
      'transient',
      "The provider's circuit breaker is open after repeated failures: calls fail fast without reaching it.",
      'Wait `retryAfterMs` or use another provider; the circuit closes after a successful probe.',
    ),
    entry(
      'LA_FAILOVER_EXHAUSTED',
      'LocalAgentError',
      'transient',
      'Every provider in the failover list failed; `details.attempts` lists each one with its own error code. Transient (retryable) when every attempt failed transiently, permanent otherwise (for example every key was rejected).',
      "Look at each attempt's code in the details; retry later or add another provider to the list.",
      { package: '@localagent/resilience' },
    ),
    // configuration and keys
    entry(
      'LA_CONFIG_INVALID',
      'ConfigurationError',
      'user',
      'A configuration value (option, config file entry or environment variable) is invalid.',
      'Fix the value named in the message; run `localagent config validate` to check the file.',
    ),
    entry(
      'LA_KEY_NOT_FOUND',
      'KeyNotFoundError',
      'user',
      'No API key is stored for this provider.',
      'Run `localagent config set-key <provider>` to store a key.',
    ),
    entry(
      'LA_KEY_INVALID',
      'InvalidKeyError',
      'user',
      'The key is malformed (empty, control characters, or the wrong format for the provider); it is never echoed.',
      "Copy the key again from the provider's dashboard, without quotes or spaces.",
    ),
    entry(
      'LA_MASTER_PASSWORD_REQUIRED',
      'ConfigurationError',
      'user',
      'The encrypted key file needs a master password and none can be asked for (no terminal).',
      'Set LOCALAGENT_MASTER_PASSWORD in the environment of non-interactive runs, or run the command in a terminal.',
    ),
    entry(
      'LA_MASTER_PASSWORD_WEAK',
      'ConfigurationError',
      'user',
      'A new master password (for a new key file, or a password change) is shorter than 12 characters; existing files keep opening with their password.',
      'Choose a passphrase of at least 12 characters, e.g. four random words.',
      { package: '@localagent/security' },
    ),
    entry(
      'LA_KEY_CONFLICT',
      'KeyConflictError',
      'user',
      'Another process rotated or replaced this key at the same time; it won, and this rotation changed nothing.',
      'Check `localagent config list-keys` (the fingerprint in the message is the key now stored) and rotate again if needed.',
    ),
    entry(
      'LA_DECRYPTION_FAILED',
      'DecryptionError',
      'user',
      'The key file could not be decrypted: wrong master password or modified data (deliberately not saying which).',
      'Check the master password (LOCALAGENT_MASTER_PASSWORD); if it is right, the key file was modified or corrupted.',
    ),
    entry(
      'LA_LIVE_CHECK_BLOCKED',
      'ConfigurationError',
      'user',
      "A live key check (`--validate live`) was refused before sending the key: its URL is plain http to a host that is not loopback, or its host is neither the provider's own nor listed in config.yaml; or the provider answered with a redirect, which is not followed. `details.reasonCode` says which; nothing was stored.",
      'Add the host to `security.live_check.allowed_hosts` in config.yaml (an environment variable alone cannot send a key to a new host), use https, or point the base URL at the final address; or store with `--validate format`.',
      { package: '@localagent/security' },
    ),
    // the local environment
    entry(
      'LA_KEYRING_UNAVAILABLE',
      'KeyringUnavailableError',
      'system',
      'No usable OS keyring: no Secret Service, locked, or the native module is missing.',
      'Start a Secret Service (e.g. gnome-keyring) and unlock it, or use `--storage file`.',
    ),
    entry(
      'LA_KEYRING_TIMEOUT',
      'KeyringUnavailableError',
      'system',
      'The OS keyring did not answer in time (often a locked keyring waiting for an unlock prompt).',
      'Unlock the keyring and retry, or use `--storage file`.',
      { retryable: true },
    ),
    entry(
      'LA_STORAGE_FAILED',
      'StorageError',
      'system',
      'Reading or writing local state failed (permissions, disk full, missing or corrupted file).',
      'Check the permissions and free space of the LocalAgent config directory (`localagent doctor`).',
    ),
    entry(
      'LA_FILE_PERMISSIONS',
      'StorageError',
      'user',
      'A key file or its directory is readable by other users (or owned by another user) and could not be repaired.',
      'Restrict it to your user (`chmod 600` for files, `chmod 700` for directories) or use a config directory you own.',
      { package: '@localagent/security' },
    ),
    entry(
      'LA_AUDIT_TAMPERED',
      'AuditTamperedError',
      'system',
      "The audit log's hash chain is broken: a line was edited, removed or reordered.",
      'Keep the file as evidence, check who had access to the config directory, and rotate the keys it covers.',
      { package: '@localagent/cli' },
    ),
    entry(
      'LA_INTERNAL',
      'LocalAgentError',
      'system',
      'An unexpected failure: a bug in LocalAgent or a library it uses, or something that is not an error was thrown.',
      'Rerun with LOCALAGENT_DEBUG=1 and report the output (it is masked).',
    ),
    // the command line
    entry(
      'LA_CLI_USAGE',
      'UsageError',
      'user',
      'The command line is wrong: unknown command or option, missing argument.',
      'Run `localagent --help` (or `localagent <command> --help`) for the syntax.',
      { package: '@localagent/cli' },
    ),
    entry(
      'LA_KEY_IN_ARGV',
      'KeyInArgvError',
      'user',
      'A key was passed as a command-line argument, where shell history and `ps` would keep it; nothing was stored.',
      'Run `localagent config set-key <provider>` and paste the key at the masked prompt, or pipe it with `--stdin`.',
      { package: '@localagent/cli' },
    ),
    entry(
      'LA_ERROR_CODE_UNKNOWN',
      'UnknownErrorCodeError',
      'user',
      'An error code given to `localagent errors explain` is not in this catalog.',
      'Check the spelling; every code is listed in ERRORS.md.',
      { package: '@localagent/cli' },
    ),
  ].map((e) => Object.freeze(e)),
);

const BY_CODE = new Map(ERROR_CATALOG.map((e) => [e.code, e]));

/** The catalog entry of `code` (case-insensitive), or undefined when the code is unknown. */
export function explain(code: string): ErrorCatalogEntry | undefined {
  const found = BY_CODE.get(code.trim().toUpperCase());
  return found === undefined ? undefined : { ...found };
}
