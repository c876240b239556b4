import type { Env } from '@localagent/config';

/**
 * The environment the package reads (overrides, the master password, the config dir): the one the
 * caller gave, else `process.env`. The only place this package touches `process.env`.
 */
export function environment(env: Env | undefined): Env {
  return env ?? process.env;
}
