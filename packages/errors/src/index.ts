export type { ErrorCategory } from './category.js';
export { LocalAgentError } from './local-agent-error.js';
export type { LocalAgentErrorOptions, ErrorJSON } from './local-agent-error.js';
export {
  ProviderError,
  AuthenticationError,
  RateLimitError,
  QuotaExceededError,
  ProviderUnavailableError,
  InvalidRequestError,
  NetworkError,
  TimeoutError,
  CircuitOpenError,
} from './provider-errors.js';
export type {
  ProviderErrorOptions,
  RateLimitErrorOptions,
  NetworkErrorOptions,
  CircuitOpenErrorOptions,
} from './provider-errors.js';
export {
  ConfigurationError,
  KeyNotFoundError,
  InvalidKeyError,
  DecryptionError,
  KeyringUnavailableError,
  StorageError,
} from './local-errors.js';
export { maskSecrets, maskDetails, isSecretFieldName, SECRET_PATTERNS, REDACTED } from './mask.js';
