import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KeyNotFoundError, registerSecret } from '@localagent/errors';
import { defaultConfigDir, type Env } from './config-dir.js';
import { normalizeKey } from './key-format.js';
import { resolveProvider, type CustomProviderConfig } from './providers.js';
import { securityConfigFor, type SecureKeyManagerOptions } from './resolve-options.js';
import { SecureKeyManager } from './secure-key-manager.js';

/**
 * The providers config.yaml declares, as the manager will see them. config.yaml can declare custom
 * providers and override a built-in's variables, so it is read whenever it exists (or is named);
 * without one, nothing but an existence check touches the config directory.
 */
function declaredProviders(options: SecureKeyManagerOptions, env: Env): Readonly<Record<string, CustomProviderConfig>> {
  const configDir = options.configDir ?? defaultConfigDir(env);
  if (options.configFile === undefined && !existsSync(join(configDir, 'config.yaml'))) return {};
  return securityConfigFor(options, configDir).providers;
}

/**
 * The one call an agent makes: the provider's environment variable if set (the variables config.yaml
 * declares for it, else the built-in ones; without touching the keyring, the key file, the audit log
 * or anything in the config directory but config.yaml), else the OS keyring, else the encrypted file.
 * Throws `KeyNotFoundError` whose suggestion is the exact `localagent config set-key <provider>` command.
 */
export async function getApiKey(provider: string, options: SecureKeyManagerOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const info = resolveProvider(provider, declaredProviders(options, env));
  for (const name of info.envVars) {
    const value = env[name];
    if (value !== undefined && normalizeKey(value) !== '') {
      const key = normalizeKey(value);
      registerSecret(key);
      return key;
    }
  }
  const manager = await SecureKeyManager.create(options);
  try {
    const key = await manager.retrieveKey(info.name);
    if (key === undefined) {
      throw new KeyNotFoundError({
        message: `No ${info.displayName} API key found: ${info.envVars.join(' / ')} is not set and no key is stored.`,
        provider: info.name,
      });
    }
    return key;
  } finally {
    manager.close();
  }
}
