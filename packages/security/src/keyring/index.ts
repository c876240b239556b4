import type { KeyringBackend, KeyringDriverName, KeyringProbeResult } from './backend.js';
import { HostedKeyringBackend, type HostedKeyringBackendOptions } from './hosted-backend.js';
import { keyringError } from './reasons.js';

export type {
  KeyringBackend,
  KeyringBackendOptions,
  KeyringDriverName,
  KeyringProbeResult,
} from './backend.js';
export {
  HostedKeyringBackend,
  NapiKeyringBackend,
  KeytarKeyringBackend,
  DEFAULT_KEYRING_TIMEOUT_MS,
} from './hosted-backend.js';
export type { HostedKeyringBackendOptions } from './hosted-backend.js';
export { classifyKeyringMessage, keyringErrorReason } from './reasons.js';
export type { KeyringReasonCode } from './reasons.js';

const DRIVERS: readonly KeyringDriverName[] = ['napi', 'keytar'];

/**
 * The keyring backend for `driver`. Never throws: the native module is loaded lazily, in the
 * helper process, on the first call; a missing or failing module is a backend whose probe()
 * reports `usable: false` with reasonCode 'module-missing'. Probe before trusting it.
 */
export async function loadKeyringBackend(
  driver: KeyringDriverName,
  options: HostedKeyringBackendOptions = {},
): Promise<KeyringBackend> {
  if (!DRIVERS.includes(driver)) return unknownDriver(driver);
  return new HostedKeyringBackend(driver, options);
}

function unknownDriver(driver: string): KeyringBackend {
  const name = 'napi' as const;
  const result: KeyringProbeResult = {
    usable: false,
    driver: name,
    reasonCode: 'error',
    reason: `unknown keyring driver "${driver}" (use napi or keytar)`,
  };
  const fail = (): Promise<never> =>
    Promise.reject(
      keyringError({ driver: name, reasonCode: 'error', operation: 'load', detail: result.reason }),
    );
  return {
    driver: name,
    probe: () => Promise.resolve(result),
    get: fail,
    set: fail,
    delete: fail,
    list: fail,
  };
}
