/** Severity, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** Higher is more severe; a line is written when its severity is at least the logger's. */
export const SEVERITY: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
};

/** winston's convention: 0 is the most severe. */
export const WINSTON_LEVELS: Readonly<Record<LogLevel, number>> = {
  critical: 0,
  error: 1,
  warning: 2,
  info: 3,
  debug: 4,
};

/** How a level is written in every output format. */
export const LEVEL_LABEL: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warning: 'WARNING',
  error: 'ERROR',
  critical: 'CRITICAL',
};
