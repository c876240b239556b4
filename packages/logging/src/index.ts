export { createLogger, DEFAULT_MAX_QUEUED_LINES } from './logger.js';
export type { Logger, LoggerOptions, LogMeta, Timer } from './logger.js';
export type { LogLevel } from './levels.js';
export { LOG_LEVELS } from './levels.js';
export type { LogFormat, LogRecord } from './formats.js';
export { LOG_FORMATS } from './formats.js';
export type { FileOptions } from './file-transport.js';
export type { ErrorRecord } from './error-record.js';
export { withContext, getContext, newRequestId } from './context.js';
export type { LogContext } from './context.js';
// the registry lives in @localagent/errors (maskSecrets applies it everywhere); re-exported for existing callers
export { registerSecret, unregisterSecret } from '@localagent/errors';
export { redact } from './redact.js';
export type { RedactOptions } from './redact.js';
export { loadLoggingConfig } from './config.js';
export type { LoadLoggingConfigOptions } from './config.js';
