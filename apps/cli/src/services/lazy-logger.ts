import type { Logger, LogMeta } from '@localagent/logging';
import { SEVERITY, type LogLevel } from '@localagent/logging/config';

/** The part of a Logger the CLI and the packages it wires use. */
export type CliLogger = Pick<
  Logger,
  'debug' | 'info' | 'warning' | 'error' | 'critical' | 'isLevelEnabled' | 'close'
>;

/**
 * A logger that builds the real one (winston and its transports) on the first line that will be
 * written. Most CLI runs log nothing at the default `warning` level, and then never pay for it.
 */
export class LazyLogger implements CliLogger {
  #logger: Logger | undefined;

  constructor(
    readonly level: LogLevel,
    private readonly create: () => Logger,
  ) {}

  get isCreated(): boolean {
    return this.#logger !== undefined;
  }

  isLevelEnabled(level: LogLevel): boolean {
    return SEVERITY[level] >= SEVERITY[this.level];
  }

  #log(level: LogLevel, message: string, meta: LogMeta | undefined): void {
    if (!this.isLevelEnabled(level)) return;
    this.#logger ??= this.create();
    this.#logger[level](message, meta);
  }

  debug(message: string, meta?: LogMeta): void {
    this.#log('debug', message, meta);
  }

  info(message: string, meta?: LogMeta): void {
    this.#log('info', message, meta);
  }

  warning(message: string, meta?: LogMeta): void {
    this.#log('warning', message, meta);
  }

  error(message: string, meta?: LogMeta): void {
    this.#log('error', message, meta);
  }

  critical(message: string, meta?: LogMeta): void {
    this.#log('critical', message, meta);
  }

  /** Flushes and closes the real logger, if one was built. */
  async close(): Promise<void> {
    await this.#logger?.close();
  }
}
