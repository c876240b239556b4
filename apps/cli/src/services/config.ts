import { loadConfig, type Env, type LoadedConfig } from '@localagent/config';
import { loggingConfigSection } from '@localagent/logging/config';
import { securityConfigSection } from '@localagent/security/config';

/** Every section of config.yaml the CLI hands on: logging to the logger, security to the key store. */
const CLI_SECTIONS = { logging: loggingConfigSection, security: securityConfigSection } as const;

export type CliConfig = LoadedConfig<typeof CLI_SECTIONS>;

/** The run's one read of config.yaml (a missing file means the defaults). */
export function loadCliConfig(file: string, env: Env): CliConfig {
  return loadConfig({ file, env, sections: CLI_SECTIONS });
}
