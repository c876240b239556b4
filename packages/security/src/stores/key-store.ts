/**
 * Where keys are kept. `SecureKeyManager` keeps the environment's precedence, validation and the
 * audit trail, and walks an ordered list of stores (resolved once from `storage`); a store only
 * keeps keys. A new backend (Vault, 1Password, a cloud secret manager) is one file implementing
 * this interface plus its entry in `registry.ts`.
 */
export interface KeyStore {
  /** Short and stable: what audit lines, `list-keys` and `KeyInfo.source` call it (`keyring`, `file`). */
  readonly name: string;
  /** Where it keeps keys, for messages: "the OS keyring (Secret Service)", "the encrypted file /…/keys.enc". */
  readonly description: string;
  /** Whether it can be used now; never throws. Cheap after the first call. */
  probe(): Promise<StoreProbe>;
  /** The provider's key, `undefined` when there is none; throws when the store cannot tell. */
  get(provider: string): Promise<StoreEntry | undefined>;
  /** Stores (or replaces) the provider's key. */
  set(provider: string, key: string, now: Date): Promise<void>;
  /** Removes the provider's key; resolves false when there was none. */
  delete(provider: string): Promise<boolean>;
  /** Every key it holds. */
  list(): Promise<StoreListing[]>;
  /**
   * Whether it holds the provider's key, known without unlocking or reaching anything: `true`,
   * `false`, or `undefined` when it cannot tell that cheaply. A write elsewhere fails rather than
   * leave a copy behind in a store that is `true` here and cannot be reached.
   */
  mayHold(provider: string): Promise<boolean | undefined>;
  /** Releases what it holds in memory (derived keys, helper processes). */
  close(): void;
}

export interface StoreEntry {
  key: string;
  updatedAt?: string | undefined;
}

export interface StoreListing extends StoreEntry {
  provider: string;
}

/**
 * `usable`: reads and writes work. `absent`: there is no such store in this session (no keyring
 * module, no D-Bus): it holds nothing we can see. `unreadable`: it exists but cannot be read now
 * (locked, timed out, failing): whether it holds a key is unknown, not "no".
 */
export type StoreProbe =
  | { state: 'usable' }
  | { state: 'absent' | 'unreadable'; reason: string; reasonCode: string; error: Error };
