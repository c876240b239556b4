import { defaultConfigDir } from '@localagent/config';
import type { EncryptionSession } from '../encryption-service.js';
import type { StorageMode } from '../option-names.js';
import type { ResolvedOptions } from '../resolve-options.js';
import { EncryptedFileStore } from './encrypted-file-store.js';
import type { KeyStore } from './key-store.js';
import { KeyringStore, keyringServiceFor } from './keyring-store.js';

/** What a store is built from: the manager's resolved options and the file's encryption session. */
export interface StoreContext {
  options: ResolvedOptions;
  session: EncryptionSession;
}

/**
 * Every store this package knows, by name. A new store is one file implementing `KeyStore` plus
 * its line here and its place in `READ_ORDER` (and its name in STORAGE_MODES if it gets a mode).
 */
const STORE_FACTORIES = {
  keyring: ({ options: o }: StoreContext): KeyringStore =>
    new KeyringStore({
      configDir: o.configDir,
      // the platform default, not LOCALAGENT_CONFIG_DIR: another dir named by the variable is another namespace
      service: keyringServiceFor(
        o.configDir,
        defaultConfigDir({ ...o.env, LOCALAGENT_CONFIG_DIR: undefined }),
      ),
      driver: o.keyringDriver,
      timeoutMs: o.keyringTimeoutMs,
      env: o.env,
      backend: o.keyringBackend,
    }),
  file: ({ options: o, session }: StoreContext): EncryptedFileStore =>
    new EncryptedFileStore({
      path: o.keyFilePath,
      session,
      logger: o.logger,
      lockStaleMs: o.lockStaleMs,
    }),
} as const;

/** Where each storage mode reads (in order) and writes (the first usable). */
const READ_ORDER: Readonly<Record<StorageMode, ReadonlyArray<keyof typeof STORE_FACTORIES>>> = {
  auto: ['keyring', 'file'],
  keyring: ['keyring'],
  file: ['file'],
};

export interface ResolvedStores {
  /** The storage mode's stores, in the order keys are looked up. */
  readOrder: KeyStore[];
  /** Every store, the others included: a write removes the key's copies from all of them. */
  all: KeyStore[];
  keyring: KeyringStore;
  file: EncryptedFileStore;
}

/** Builds the stores once, for one manager; nothing is opened or probed yet. */
export function resolveStores(context: StoreContext): ResolvedStores {
  const keyring = STORE_FACTORIES.keyring(context);
  const file = STORE_FACTORIES.file(context);
  const byName: Record<string, KeyStore> = { keyring, file };
  // every registered store exists, in or out of the mode's order: a write removes copies in all
  for (const [name, build] of Object.entries(STORE_FACTORIES)) byName[name] ??= build(context);
  return {
    readOrder: READ_ORDER[context.options.storage].map((name) => byName[name] as KeyStore),
    all: Object.values(byName),
    keyring,
    file,
  };
}
