import { loadConfig, type Env } from '@localagent/config';
import { loggingConfigSection } from './config-section.js';
import type { LoggerOptions } from './logger.js';

export interface LoadLoggingConfigOptions {
  /** Default `process.env`. Reads LOCALAGENT_LOG_LEVEL, LOCALAGENT_LOG_FORMAT, LOCALAGENT_LOG_FILE. */
  env?: Env | undefined;
  /** A YAML config file whose `logging:` section is read; a missing file counts as empty. */
  file?: string | undefined;
}

const reported = new Set<string>();

/**
 * Logger options from the config file's `logging:` section and the environment (which wins),
 * validated against the package's JSON Schema. Invalid values throw a ConfigurationError that
 * names every wrong field, where it came from and the allowed values. A program that loads other
 * sections too should call `loadConfig` from @localagent/config once with all of them instead.
 */
export function loadLoggingConfig(options: LoadLoggingConfigOptions = {}): LoggerOptions {
  const env = options.env ?? process.env;
  const loaded = loadConfig({
    file: options.file,
    env,
    sections: { logging: loggingConfigSection },
  });
  // old field names are deprecations, told once per process; an unknown section may be another
  // program's (a shared config.yaml), so only a loader of every section reports those
  for (const { kind, message } of loaded.warnings) {
    if (kind !== 'renamed_field' || reported.has(message)) continue;
    reported.add(message);
    process.emitWarning(message, { type: 'DeprecationWarning', code: 'LOCALAGENT_CONFIG_RENAMED' });
  }
  return withEnv(loaded.sections.logging, options.env);
}

function withEnv(options: LoggerOptions, env: Env | undefined): LoggerOptions {
  return env === undefined ? options : { ...options, env };
}
