import type { KeyringBackend, KeyringDriverName, KeyringProbeResult } from './keyring/backend.js';

type LoadKeyringBackend = (driver: KeyringDriverName, options?: { timeoutMs?: number }) => Promise<KeyringBackend>;

/** A backend that is never usable, with the reason; used when no driver could be loaded at all. */
export function unavailableBackend(driver: KeyringDriverName, reason: string, reasonCode = 'module-missing'): KeyringBackend {
  const result: KeyringProbeResult = { usable: false, driver, reason, reasonCode };
  const fail = (): Promise<never> => Promise.reject(new Error(reason));
  return { driver, probe: () => Promise.resolve(result), get: fail, set: fail, delete: fail, list: fail };
}

/**
 * Loads the configured keyring driver through the drivers module (src/keyring), which itself
 * imports the native modules lazily. Never throws: a failure is a backend whose probe says why.
 */
export async function loadKeyringBackendSafely(driver: KeyringDriverName, timeoutMs: number): Promise<KeyringBackend> {
  try {
    // a variable specifier until src/keyring/index.ts exists, so the build does not depend on it
    const specifier = './keyring/index.js';
    const drivers = (await import(specifier)) as { loadKeyringBackend?: LoadKeyringBackend };
    if (typeof drivers.loadKeyringBackend !== 'function') throw new Error('no loadKeyringBackend export');
    return await drivers.loadKeyringBackend(driver, { timeoutMs });
  } catch (error) {
    return unavailableBackend(driver, `the keyring drivers could not be loaded (${(error as Error).message})`);
  }
}
