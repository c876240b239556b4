import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createLogger, loadLoggingConfig, type LoggerOptions, type LogLevel } from '@localagent/logging';
import { LazyLogger } from './lazy-logger.js';
import type { CliContext } from '../context.js';

/**
 * A command-line tool should not chat: unless a level is configured (flag, LOCALAGENT_LOG_LEVEL or
 * `logging.level` in config.yaml), only warnings and worse reach stderr. `--debug` means debug.
 */
export const CLI_DEFAULT_LOG_LEVEL: LogLevel = 'warning';

const LOG_ENV = ['LOCALAGENT_LOG_LEVEL', 'LOCALAGENT_LOG_FORMAT', 'LOCALAGENT_LOG_FILE'] as const;

/** The config file's `logging:` section as written (not validated), or undefined. */
function loggingSection(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const document = parse(readFileSync(file, 'utf8')) as { logging?: unknown } | null;
    return document?.logging === undefined || document.logging === null ? undefined : (document.logging as Record<string, unknown>);
  } catch {
    return {}; // present but unreadable: let loadLoggingConfig report it
  }
}

/**
 * Logger options from env + config.yaml, validated by loadLoggingConfig. When neither says anything
 * about logging there is nothing to validate, and skipping it spares every command ajv's schema
 * compilation (tens of milliseconds of start-up).
 */
export function loggingOptions(ctx: Pick<CliContext, 'env' | 'paths'>): { options: LoggerOptions; levelConfigured: boolean } {
  const section = loggingSection(ctx.paths.configFile);
  const fromEnv = LOG_ENV.some((name) => (ctx.env[name] ?? '') !== '');
  if (section === undefined && !fromEnv) return { options: { env: ctx.env }, levelConfigured: false };
  const options = loadLoggingConfig({ env: ctx.env, file: ctx.paths.configFile });
  return { options, levelConfigured: (ctx.env['LOCALAGENT_LOG_LEVEL'] ?? '') !== '' || section?.['level'] !== undefined };
}

/** --log-level, else --debug, else the configured level, else `error` with --quiet and `warning` otherwise. */
export function cliLogLevel(ctx: Pick<CliContext, 'globals' | 'debug'>, options: LoggerOptions, levelConfigured: boolean): LogLevel {
  return (
    (ctx.globals.logLevel as LogLevel | undefined) ??
    (ctx.debug ? 'debug' : undefined) ??
    (levelConfigured ? options.level : undefined) ??
    (ctx.globals.quiet ? 'error' : CLI_DEFAULT_LOG_LEVEL)
  );
}

/**
 * The run's one logger: env + config.yaml (validated now), then flags; always on stderr, never
 * stdout. The logger itself is built on the first line at an enabled level.
 */
export function createCliLogger(ctx: Pick<CliContext, 'env' | 'globals' | 'debug' | 'paths' | 'io'>): LazyLogger {
  const { options, levelConfigured } = loggingOptions(ctx);
  const level = cliLogLevel(ctx, options, levelConfigured);
  return new LazyLogger(level, () =>
    createLogger({
      ...options,
      service: options.service ?? 'localagent-cli',
      level,
      ...(ctx.globals.logFormat === undefined ? {} : { format: ctx.globals.logFormat as NonNullable<typeof options.format> }),
      console: options.console === false ? false : { stream: ctx.io.stderr },
    }),
  );
}
