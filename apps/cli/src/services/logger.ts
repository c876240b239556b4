/* eslint-disable @typescript-eslint/no-require-imports -- winston is required on the first written line only (see LazyLogger) */
import type { LoggerOptions, LogLevel } from '@localagent/logging';
import { LazyLogger } from './lazy-logger.js';
import type { CliContext } from '../context.js';

/**
 * A command-line tool should not chat: unless a level is configured (flag, LOCALAGENT_LOG_LEVEL or
 * `logging.level` in config.yaml), only warnings and worse reach stderr. `--debug` means debug.
 */
export const CLI_DEFAULT_LOG_LEVEL: LogLevel = 'warning';

/**
 * Logger options from the run's one config load (env + config.yaml, validated). `levelConfigured`
 * says whether the environment or the file chose a level (else the CLI's quieter default applies).
 */
export function loggingOptions(ctx: Pick<CliContext, 'env' | 'config'>): {
  options: LoggerOptions;
  levelConfigured: boolean;
} {
  const options = ctx.config().sections.logging;
  return { options: { ...options, env: ctx.env }, levelConfigured: options.level !== undefined };
}

/** --log-level, else --debug, else the configured level, else `error` with --quiet and `warning` otherwise. */
export function cliLogLevel(
  ctx: Pick<CliContext, 'globals' | 'debug'>,
  options: LoggerOptions,
  levelConfigured: boolean,
): LogLevel {
  return (
    ctx.globals.logLevel ??
    (ctx.debug ? 'debug' : undefined) ??
    (levelConfigured ? options.level : undefined) ??
    (ctx.globals.quiet ? 'error' : CLI_DEFAULT_LOG_LEVEL)
  );
}

/**
 * The run's one logger: env + config.yaml (validated now), then flags; always on stderr, never
 * stdout. The logger itself is built on the first line at an enabled level.
 */
export function createCliLogger(
  ctx: Pick<CliContext, 'env' | 'globals' | 'debug' | 'config' | 'io'>,
): LazyLogger {
  const { options, levelConfigured } = loggingOptions(ctx);
  const level = cliLogLevel(ctx, options, levelConfigured);
  return new LazyLogger(level, () => {
    // winston and the transports load here, on the first line written, not at start-up
    const { createLogger } = require('@localagent/logging') as typeof import('@localagent/logging');
    return createLogger({
      ...options,
      service: options.service ?? 'localagent-cli',
      level,
      ...(ctx.globals.logFormat === undefined ? {} : { format: ctx.globals.logFormat }),
      console: options.console === false ? false : { stream: ctx.io.stderr },
    });
  });
}
