import { homedir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `LOCALAGENT_CONFIG_DIR`, else the platform config dir: $XDG_CONFIG_HOME/localagent or
 * ~/.config/localagent on Linux (read from `env`, not process.env), env-paths elsewhere
 * (~/Library/Preferences/localagent, %APPDATA%\\localagent\\Config).
 */
export function defaultConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env['LOCALAGENT_CONFIG_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (platform === 'linux') {
    const xdg = env['XDG_CONFIG_HOME'];
    return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config'), 'localagent');
  }
  return envPaths('localagent', { suffix: '' }).config;
}
