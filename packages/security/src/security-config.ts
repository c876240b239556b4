import { join } from 'node:path';
import { CONFIG_FILE_NAME, defaultConfigDir, loadConfig, type Env } from '@localagent/config';
import { securityConfigSection, type SecurityConfig } from './config-section.js';
import { environment } from './environment.js';

export { SECURITY_SCHEMA, type SecurityConfig } from './config-section.js';

/**
 * Validates a parsed `security:` section (or `undefined`) and applies the defaults, without reading
 * a file or the environment. Throws `ConfigurationError` listing every problem, each with its path
 * and the allowed values.
 */
export function validateSecurityConfig(section: unknown): SecurityConfig {
  // through the one loader (no file): the same checks (a non-mapping included), copy, defaults and
  // messages as config.yaml's
  return loadConfig({
    file: undefined,
    document: { security: section },
    env: {},
    sections: { security: securityConfigSection },
  }).sections.security;
}

/**
 * Reads the `security:` section of a config.yaml (default: config.yaml in the config directory)
 * and returns it validated, with defaults (and the overrides of `env`, when given). A missing
 * default file yields the defaults; a missing explicit path is an error.
 */
export async function loadSecurityConfig(
  path?: string,
  options: { env?: Env } = {},
): Promise<SecurityConfig> {
  const file = path ?? join(defaultConfigDir(environment(options.env)), CONFIG_FILE_NAME);
  return loadSecurityConfigSync(file, { optional: path === undefined, env: options.env ?? {} });
}

export function loadSecurityConfigSync(
  file: string,
  options: { optional?: boolean; env?: Env } = {},
): SecurityConfig {
  return loadConfig({
    file,
    optional: options.optional ?? false,
    env: options.env ?? {},
    sections: { security: securityConfigSection },
  }).sections.security;
}
