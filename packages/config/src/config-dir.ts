import { homedir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';

export type Env = Readonly<Record<string, string | undefined>>;

/** The file every LocalAgent package reads its section from, in the config directory. */
export const CONFIG_FILE_NAME = 'config.yaml';

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/**
 * `LOCALAGENT_CONFIG_DIR`, else the platform config dir: $XDG_CONFIG_HOME/localagent or
 * ~/.config/localagent on Linux (read from `env`, not process.env), env-paths elsewhere
 * (~/Library/Preferences/localagent, %APPDATA%\\localagent\\Config).
 */
export function defaultConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = nonEmpty(env['LOCALAGENT_CONFIG_DIR']);
  if (fromEnv !== undefined) return fromEnv;
  if (platform === 'linux')
    return join(nonEmpty(env['XDG_CONFIG_HOME']) ?? join(homedir(), '.config'), 'localagent');
  return envPaths('localagent', { suffix: '' }).config;
}

/**
 * Where caches live (breaker state, the CLI's code cache): `<dir>/cache` when the config dir was
 * chosen explicitly (one directory then holds a whole isolated installation), else
 * $XDG_CACHE_HOME/localagent or ~/.cache/localagent on Linux, env-paths elsewhere.
 */
export function defaultCacheDir(
  env: Env,
  explicitConfigDir?: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const explicit = nonEmpty(explicitConfigDir) ?? nonEmpty(env['LOCALAGENT_CONFIG_DIR']);
  if (explicit !== undefined) return join(explicit, 'cache');
  if (platform === 'linux')
    return join(nonEmpty(env['XDG_CACHE_HOME']) ?? join(homedir(), '.cache'), 'localagent');
  return envPaths('localagent', { suffix: '' }).cache;
}
