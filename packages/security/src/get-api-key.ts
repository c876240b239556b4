import { defaultConfigDir } from '@localagent/config';
import { KeyNotFoundError, registerSecret } from '@localagent/errors';
import { environment } from './environment.js';
import { normalizeKey } from './key-format.js';
import { resolveProvider } from './providers.js';
import { securityConfigFor, type SecureKeyManagerOptions } from './resolve-options.js';
import { SecureKeyManager } from './secure-key-manager.js';

/**
 * The one call an agent makes: the provider's environment variable if set (the variables config.yaml
 * declares for it, else the built-in ones; without touching the keyring, the key file, the audit log
 * or anything in the config directory but config.yaml), else the OS keyring, else the encrypted file.
 * Throws `KeyNotFoundError` whose suggestion is the exact `localagent config set-key <provider>` command.
 */
export async function getApiKey(
  provider: string,
  options: SecureKeyManagerOptions = {},
): Promise<string> {
  const env = environment(options.env);
  // config.yaml may declare custom providers and override a built-in's variables: read it once here,
  // and hand the result to the manager (without one, nothing else touches the config directory)
  const config = securityConfigFor(
    options,
    options.configDir ?? defaultConfigDir(env),
    env,
    options.logger,
  );
  const info = resolveProvider(provider, config.providers);
  for (const name of info.envVars) {
    const value = env[name];
    if (value !== undefined && normalizeKey(value) !== '') {
      const key = normalizeKey(value);
      registerSecret(key);
      return key;
    }
  }
  const manager = await SecureKeyManager.create({ ...options, env, config });
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
