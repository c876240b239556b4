import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { KeyringUnavailableError, LocalAgentError, StorageError } from '@localagent/errors';
import type { KeyringBackend, KeyringDriverName, KeyringProbeResult } from '../keyring/backend.js';
import { loadKeyringBackendSafely } from '../keyring-loader.js';
import { reasonText, type KeyringReasonCode } from '../keyring/reasons.js';
import { FILE_MODE } from '../permissions.js';
import type { KeyStore, StoreEntry, StoreListing, StoreProbe } from './key-store.js';

/** The keyring service name of the default config dir (the account is the provider name). */
export const KEYRING_SERVICE = 'localagent';

/** Which providers this config dir put in the keyring: read when the keyring cannot be reached. */
export const KEYRING_INDEX_FILE = 'keyring-index.json';

const REASON_CODES: readonly KeyringReasonCode[] = [
  'module-missing',
  'no-dbus',
  'no-secret-service',
  'locked',
  'timeout',
  'error',
];

/** Reasons meaning a keyring exists but cannot be read now: whether it holds a key is unknown. */
const UNREADABLE_REASONS: ReadonlySet<string> = new Set(['locked', 'timeout', 'error']);

/**
 * The service name of a config dir's items: the default dir keeps `localagent` (keys stored before
 * are found); any other dir gets `localagent:<16 hex of the SHA-256 of its absolute path>`, so two
 * config dirs never see each other's keys. The path is not resolved through symlinks: a dir reached
 * by two paths is two namespaces (the documented rule, and stable before the dir exists).
 */
export function keyringServiceFor(configDir: string, defaultConfigDir: string): string {
  const dir = resolve(configDir);
  if (dir === resolve(defaultConfigDir)) return KEYRING_SERVICE;
  return `${KEYRING_SERVICE}:${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`;
}

/** The drivers' advice for a probe's reason (how to start or unlock a Secret Service, or use the file). */
export function keyringSuggestion(probe: KeyringProbeResult): string | undefined {
  const code = REASON_CODES.find((c) => c === probe.reasonCode);
  return code === undefined ? undefined : reasonText(code, probe.driver).suggestion;
}

export function unusableKeyring(probe: KeyringProbeResult): KeyringUnavailableError {
  return new KeyringUnavailableError({
    message: `The OS keyring is not usable: ${probe.reason ?? 'unknown reason'}.`,
    suggestion: keyringSuggestion(probe),
    details: { driver: probe.driver, reasonCode: probe.reasonCode },
  });
}

export interface KeyringStoreOptions {
  configDir: string;
  service: string;
  driver: KeyringDriverName;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  /** A ready backend (tests, embedders); else the driver is loaded on first need. */
  backend?: KeyringBackend | undefined;
}

interface KeyringIndex {
  version: 1;
  /** Service name → the providers whose keys this config dir keeps under it. */
  services: Record<string, string[]>;
}

/**
 * Keys in the OS keyring (Secret Service, macOS Keychain, Windows Credential Manager), one item per
 * provider under the config dir's service name. It also keeps `keyring-index.json` in the config
 * dir (provider names only, no secret): a session that cannot reach the keyring (SSH without D-Bus)
 * still knows which keys live there, so it neither stores a second copy elsewhere nor says "none".
 */
export class KeyringStore implements KeyStore {
  readonly name = 'keyring';
  readonly #o: KeyringStoreOptions;
  #state: Promise<{ backend: KeyringBackend | undefined; probe: KeyringProbeResult }> | undefined;
  #owned: KeyringBackend | undefined;

  constructor(options: KeyringStoreOptions) {
    this.#o = options;
  }

  get description(): string {
    return this.#o.service === KEYRING_SERVICE
      ? 'the OS keyring'
      : `the OS keyring (service "${this.#o.service}")`;
  }

  get service(): string {
    return this.#o.service;
  }

  /** The backend's own probe result (driver, reason), for `status()`. */
  async keyringProbe(): Promise<KeyringProbeResult> {
    return (await this.#loaded()).probe;
  }

  #loaded(): Promise<{ backend: KeyringBackend | undefined; probe: KeyringProbeResult }> {
    this.#state ??= (async () => {
      const backend =
        this.#o.backend ??
        (await loadKeyringBackendSafely(this.#o.driver, {
          timeoutMs: this.#o.timeoutMs,
          env: this.#o.env,
        }));
      if (backend !== this.#o.backend) this.#owned = backend;
      let probe: KeyringProbeResult;
      try {
        probe = await backend.probe();
      } catch (error) {
        probe = {
          usable: false,
          driver: backend.driver,
          reason: `the keyring probe failed: ${(error as Error).message}`,
          reasonCode: 'error',
        };
      }
      return { backend: probe.usable ? backend : undefined, probe };
    })();
    return this.#state;
  }

  async probe(): Promise<StoreProbe> {
    const { backend, probe } = await this.#loaded();
    if (backend !== undefined) return { state: 'usable' };
    return {
      state: UNREADABLE_REASONS.has(probe.reasonCode ?? '') ? 'unreadable' : 'absent',
      reason: probe.reason ?? 'unknown reason',
      reasonCode: probe.reasonCode ?? 'error',
      error: unusableKeyring(probe),
    };
  }

  async #backend(): Promise<KeyringBackend> {
    const { backend, probe } = await this.#loaded();
    if (backend === undefined) throw unusableKeyring(probe);
    return backend;
  }

  async #call<T>(call: (backend: KeyringBackend) => Promise<T>): Promise<T> {
    const backend = await this.#backend();
    try {
      return await call(backend);
    } catch (error) {
      if (LocalAgentError.isInstance(error)) throw error;
      throw new KeyringUnavailableError({
        message: `The OS keyring failed: ${(error as Error).message}`,
        cause: error,
      });
    }
  }

  async get(provider: string): Promise<StoreEntry | undefined> {
    const key = await this.#call((b) => b.get(this.#o.service, provider));
    return key === undefined ? undefined : { key };
  }

  async set(provider: string, key: string): Promise<void> {
    // the index first: it may claim a key the keyring does not have (harmless: a refusal), never
    // miss one it has (a copy left in effect); a failure to write it fails the call before the item
    await this.#index((providers) => providers.add(provider));
    await this.#call((b) => b.set(this.#o.service, provider, key));
  }

  async delete(provider: string): Promise<boolean> {
    const removed = await this.#call((b) => b.delete(this.#o.service, provider));
    await this.#index((providers) => providers.delete(provider)).catch(() => undefined);
    return removed;
  }

  async list(): Promise<StoreListing[]> {
    const accounts = await this.#call((b) => b.list(this.#o.service));
    const listing: StoreListing[] = [];
    for (const provider of accounts) {
      const key = await this.#call((b) => b.get(this.#o.service, provider));
      if (key !== undefined) listing.push({ provider, key });
    }
    // items put there by other tools (or before the index) are added; nothing is removed here,
    // since a listing may run beside a write (removal happens with the item, under the write lock)
    await this.#index((providers) => {
      for (const { provider } of listing) providers.add(provider);
    }).catch(() => undefined);
    return listing;
  }

  /**
   * What the index says. Without an entry for this service: nothing, for a config dir of its own
   * (its service name is as new as the index, and the index is written before any item); unknown
   * for the default dir, whose items may predate the index.
   */
  async mayHold(provider: string): Promise<boolean | undefined> {
    const providers = await this.#indexed();
    if (providers !== undefined) return providers.includes(provider);
    return this.#o.service === KEYRING_SERVICE ? undefined : false;
  }

  /** The providers the index says live in the keyring (for "unavailable" reports). */
  async indexedProviders(): Promise<string[]> {
    return (await this.#indexed()) ?? [];
  }

  get #indexPath(): string {
    return join(this.#o.configDir, KEYRING_INDEX_FILE);
  }

  /** The whole index: one list per service name (a dir reached by two paths is two services). */
  async #readIndex(): Promise<KeyringIndex> {
    try {
      const parsed = JSON.parse(await readFile(this.#indexPath, 'utf8')) as Partial<KeyringIndex>;
      const services: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
      if (parsed.version === 1 && typeof parsed.services === 'object' && parsed.services !== null)
        for (const [service, list] of Object.entries(parsed.services))
          if (Array.isArray(list))
            services[service] = list.filter((p): p is string => typeof p === 'string');
      return { version: 1, services };
    } catch {
      // missing or unreadable: nothing is known, as before this index existed
      return { version: 1, services: Object.create(null) as Record<string, string[]> };
    }
  }

  async #indexed(): Promise<string[] | undefined> {
    const index = await this.#readIndex();
    return Object.prototype.hasOwnProperty.call(index.services, this.#o.service)
      ? index.services[this.#o.service]
      : undefined;
  }

  /**
   * Updates this service's list. Its first entry starts from what the keyring holds (items stored
   * before the index existed are known from then on).
   */
  async #index(change: (providers: Set<string>) => void): Promise<void> {
    const index = await this.#readIndex();
    const known = Object.prototype.hasOwnProperty.call(index.services, this.#o.service)
      ? index.services[this.#o.service]
      : undefined;
    const providers = new Set(
      known ?? (await this.#call((b) => b.list(this.#o.service)).catch(() => [] as string[])),
    );
    const before = known === undefined ? undefined : [...known].sort().join(',');
    change(providers);
    const after = [...providers].sort();
    if (after.join(',') === before) return;
    index.services[this.#o.service] = after;
    try {
      await writeFileAtomic(this.#indexPath, `${JSON.stringify(index)}\n`, { mode: FILE_MODE });
    } catch (cause) {
      throw new StorageError({
        message: `Cannot write ${this.#indexPath}, the list of keys kept in the OS keyring; nothing was stored.`,
        cause,
        details: { path: this.#indexPath },
      });
    }
  }

  close(): void {
    // the drivers run in a helper process; stop it rather than leave it to exit with us
    (this.#owned as { close?: () => void } | undefined)?.close?.();
  }
}
