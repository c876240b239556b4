import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createLogger, loadLoggingConfig, type Logger, type LogLevel } from '@localagent/logging';
import type { CliContext } from '../context.js';

/**
 * A command-line tool should not chat: unless a level is configured (flag, LOCALAGENT_LOG_LEVEL or
 * `logging.level` in config.yaml), only warnings and worse reach stderr. `--debug` means debug.
 */
export const CLI_DEFAULT_LOG_LEVEL: LogLevel = 'warning';

function configuredFileLevel(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    const document = parse(readFileSync(file, 'utf8')) as { logging?: { level?: unknown } } | null;
    return document?.logging?.level !== undefined;
  } catch {
    return false; // loadLoggingConfig reports the syntax error itself
  }
}

/** The run's one logger: env + config.yaml (validated), then flags; always on stderr, never stdout. */
export function createCliLogger(ctx: Pick<CliContext, 'env' | 'globals' | 'debug' | 'paths' | 'io'>): Logger {
  const options = loadLoggingConfig({ env: ctx.env, file: ctx.paths.configFile });
  const levelConfigured = (ctx.env['LOCALAGENT_LOG_LEVEL'] ?? '') !== '' || configuredFileLevel(ctx.paths.configFile);
  const level = (ctx.globals.logLevel as LogLevel | undefined) ?? (ctx.debug ? 'debug' : undefined) ?? (levelConfigured ? options.level : CLI_DEFAULT_LOG_LEVEL);
  return createLogger({
    ...options,
    service: options.service ?? 'localagent-cli',
    level,
    ...(ctx.globals.logFormat === undefined ? {} : { format: ctx.globals.logFormat as NonNullable<typeof options.format> }),
    console: options.console === false ? false : { stream: ctx.io.stderr },
  });
}
