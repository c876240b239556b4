import type {
  KeyringBackend,
  KeyringBackendOptions,
  KeyringDriverName,
  KeyringProbeResult,
} from './backend.js';
import { HELPER_EXITED, KeyringHost, type HostOperation } from './keyring-host.js';
import { ownLocation, resolveModule } from './module-location.js';
import { keyringError, keyringErrorReason, moduleName, reasonText } from './reasons.js';
import { environment } from '../environment.js';

export const DEFAULT_KEYRING_TIMEOUT_MS = 3000;

/**
 * keytar keeps its items under `<service>.keytar`, apart from @napi-rs/keyring's: keytar 7.9.0's
 * findCredentials calls strdup() on the `account` attribute of every item of the service, and an
 * item without one (any @napi-rs/keyring item, which has `username`) kills it with SIGSEGV.
 */
export const KEYTAR_SERVICE_SUFFIX = '.keytar';

export interface HostedKeyringBackendOptions extends KeyringBackendOptions {
  /** Where the driver module is resolved from (a file path, or a directory path ending in '/'); default: this package's own location. */
  resolveFrom?: string;
  /** The driver module's path, bypassing resolution (tests: a module that fails to load). */
  modulePath?: string;
}

function validTimeout(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0
    ? value
    : DEFAULT_KEYRING_TIMEOUT_MS;
}

/**
 * A keyring driver run in a helper process, every call bounded by a timeout. `null` from a driver
 * means "no such item" only when the call itself succeeded; any failure rejects with
 * KeyringUnavailableError (its `details.reasonCode` says why), so "unknown" is never read as "absent".
 */
export class HostedKeyringBackend implements KeyringBackend {
  readonly driver: KeyringDriverName;
  readonly timeoutMs: number;
  readonly #host: KeyringHost;
  readonly #serviceSuffix: string;

  constructor(driver: KeyringDriverName, options: HostedKeyringBackendOptions = {}) {
    this.driver = driver;
    this.timeoutMs = validTimeout(options.timeoutMs);
    this.#serviceSuffix = driver === 'keytar' ? KEYTAR_SERVICE_SUFFIX : '';
    const { modulePath, resolveFrom } = options;
    this.#host = new KeyringHost({
      driver,
      env: environment(options.env),
      timeoutMs: this.timeoutMs,
      resolveModule: () =>
        modulePath ?? resolveModule(moduleName(driver), resolveFrom ?? ownLocation()),
    });
  }

  async probe(): Promise<KeyringProbeResult> {
    try {
      await this.#host.call('probe');
      return { usable: true, driver: this.driver };
    } catch (error) {
      const { reasonCode, driverMessage } = keyringErrorReason(error);
      const detail =
        driverMessage !== undefined && driverMessage !== '' ? ` (${driverMessage})` : '';
      return {
        usable: false,
        driver: this.driver,
        reasonCode,
        reason: `${reasonText(reasonCode, this.driver).reason}${detail}`,
      };
    }
  }

  async get(service: string, account: string): Promise<string | undefined> {
    const value = await this.#read('get', { service: this.#itemService(service), account });
    if (value === null) return undefined;
    if (typeof value !== 'string') throw this.#unexpected('get');
    return value;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    await this.#host.call('set', { service: this.#itemService(service), account, secret });
  }

  async delete(service: string, account: string): Promise<boolean> {
    return (
      (await this.#host.call('delete', { service: this.#itemService(service), account })) === true
    );
  }

  async list(service: string): Promise<string[]> {
    const value = await this.#read('list', { service: this.#itemService(service) });
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw this.#unexpected('list');
    return [...new Set(value)].sort();
  }

  /** The service attribute this driver's items carry (see KEYTAR_SERVICE_SUFFIX). */
  #itemService(service: string): string {
    return service + this.#serviceSuffix;
  }

  /** Stops the helper process (it would exit with this process anyway); a later call starts a new one. */
  close(): void {
    this.#host.close();
  }

  /**
   * A read, retried once in a fresh helper if the helper crashed under it, within the same
   * timeout: keytar 7.9.0's findCredentials dies with SIGSEGV on items it cannot read (see
   * KEYTAR_SERVICE_SUFFIX for the cause we avoid; a third party's item could still trigger it).
   */
  async #read(
    operation: HostOperation,
    args: { service: string; account?: string },
  ): Promise<unknown> {
    const started = Date.now();
    try {
      return await this.#host.call(operation, args);
    } catch (error) {
      const remaining = this.timeoutMs - (Date.now() - started);
      if (
        remaining <= 0 ||
        !(keyringErrorReason(error).driverMessage ?? '').startsWith(HELPER_EXITED)
      )
        throw error;
      return this.#host.call(operation, args, remaining);
    }
  }

  #unexpected(operation: string): Error {
    return keyringError({
      driver: this.driver,
      reasonCode: 'error',
      operation,
      detail: 'the driver returned an unexpected value',
    });
  }
}

/** @napi-rs/keyring (default): prebuilt binaries, no install scripts; pinned to the Secret Service on Linux. */
export class NapiKeyringBackend extends HostedKeyringBackend {
  constructor(options: HostedKeyringBackendOptions = {}) {
    super('napi', options);
  }
}

/** keytar (archived 2022): for keys already stored with it; needs libsecret-1-dev to build on Linux. */
export class KeytarKeyringBackend extends HostedKeyringBackend {
  constructor(options: HostedKeyringBackendOptions = {}) {
    super('keytar', options);
  }
}
