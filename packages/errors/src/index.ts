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
  ContentFilteredError,
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
  KeyConflictError,
  StorageError,
} from './local-errors.js';
export { maskSecrets, maskDetails, isSecretFieldName, REDACTED } from './mask.js';
export { SECRET_PATTERNS, SECRET_FAMILIES } from './secret-patterns.js';
export type { SecretFamily } from './secret-patterns.js';
export {
  registerSecret,
  unregisterSecret,
  secretsVersion,
  MIN_SECRET_LENGTH,
} from './secret-registry.js';
export { createSecretMasker } from './secret-masker.js';
export type { SecretMasker, SecretMaskerOptions } from './secret-masker.js';
export { AbortedError } from './aborted-error.js';
export { classifyError } from './classify-error.js';
export type { ClassifyContext } from './classify-error.js';
export { fromHttpResponse } from './from-http-response.js';
export type { HttpResponseInput } from './from-http-response.js';
export { fromResponse } from './from-response.js';
export type { FromResponseOptions } from './from-response.js';
export {
  getHeader,
  retryAfterFromHeaders,
  shouldRetryFromHeaders,
  requestIdFromHeaders,
} from './http-headers.js';
export type { HeadersLike } from './http-headers.js';
export { ERROR_CATALOG, explain } from './catalog.js';
export type { ErrorCatalogEntry } from './catalog.js';
export { errorCatalogMarkdown } from './catalog-markdown.js';
export { formatError } from './format-error.js';
export type { FormatErrorOptions } from './format-error.js';
export { reportError, addErrorReporter } from './report-error.js';
export type { ErrorReporter } from './report-error.js';
