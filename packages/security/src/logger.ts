/**
 * Where the manager's warnings go. `@localagent/logging`'s Logger fits, as does any object with a
 * `warning` method; this package does not create a logger of its own.
 */
export interface SecurityLogger {
  warning(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

/** The default: one line on stderr, so a fallback to the encrypted file is never silent. */
export const stderrLogger: SecurityLogger = {
  warning(message) {
    process.stderr.write(`localagent: warning: ${message}\n`);
  },
};
