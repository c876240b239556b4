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
  for (const warning of loaded.warnings) {
    if (reported.has(warning)) continue;
    reported.add(warning);
    process.emitWarning(warning, { code: 'LOCALAGENT_CONFIG' });
  }
  return withEnv(loaded.sections.logging, options.env);
}

function withEnv(options: LoggerOptions, env: Env | undefined): LoggerOptions {
  return env === undefined ? options : { ...options, env };
}
