import type {
  KeyringBackend,
  KeyringBackendOptions,
  KeyringDriverName,
  KeyringProbeResult,
} from './keyring/backend.js';
// light: the drivers module loads the native keyring modules lazily, in a helper process, on first use
import { loadKeyringBackend } from './keyring/index.js';

/** A backend that is never usable, with the reason; used when no driver could be loaded at all. */
export function unavailableBackend(
  driver: KeyringDriverName,
  reason: string,
  reasonCode = 'module-missing',
): KeyringBackend {
  const result: KeyringProbeResult = { usable: false, driver, reason, reasonCode };
  const fail = (): Promise<never> => Promise.reject(new Error(reason));
  return {
    driver,
    probe: () => Promise.resolve(result),
    get: fail,
    set: fail,
    delete: fail,
    list: fail,
  };
}

/** Loads the configured keyring driver (src/keyring). Never throws: a failure is a backend whose probe says why. */
export async function loadKeyringBackendSafely(
  driver: KeyringDriverName,
  options: KeyringBackendOptions,
  load: typeof loadKeyringBackend = loadKeyringBackend,
): Promise<KeyringBackend> {
  try {
    return await load(driver, options);
  } catch (error) {
    return unavailableBackend(
      driver,
      `the keyring driver could not be loaded (${(error as Error).message})`,
    );
  }
}
