import { KeyNotFoundError } from '@localagent/errors';
import { normalizeKey } from './key-format.js';
import { resolveProvider } from './providers.js';
import type { SecureKeyManagerOptions } from './resolve-options.js';
import { registerHandedOutSecret } from './secret-registry.js';
import { SecureKeyManager } from './secure-key-manager.js';

/**
 * The one call an agent makes: the provider's environment variable if set (without touching the
 * keyring, the key file or the config directory), else the OS keyring, else the encrypted file.
 * Throws `KeyNotFoundError` whose suggestion is the exact `localagent config set-key <provider>` command.
 */
export async function getApiKey(provider: string, options: SecureKeyManagerOptions = {}): Promise<string> {
  const info = resolveProvider(provider);
  const env = options.env ?? process.env;
  for (const name of info.envVars) {
    const value = env[name];
    if (value !== undefined && normalizeKey(value) !== '') {
      const key = normalizeKey(value);
      registerHandedOutSecret(key);
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
