import { join } from 'node:path';
import {
  ConfigurationError,
  KeyConflictError,
  KeyNotFoundError,
  KeyringUnavailableError,
  LocalAgentError,
  registerSecret,
  StorageError,
} from '@localagent/errors';
import { AuditLog, type AuditEvent } from './audit-log.js';
import { EncryptionSession, type KdfParams, type Secret } from './encryption-service.js';
import { acquireLock } from './file-lock.js';
import { checkKey, fingerprint, normalizeKey } from './key-format.js';
import type { KeyringProbeResult } from './keyring/backend.js';
import { checkKeyLive } from './live-check.js';
import { assertNewMasterPassword } from './password-policy.js';
import {
  startUnlockAgent,
  stopUnlockAgent,
  requestUnlockedKey,
  unlockAgentStatus,
  type UnlockAgentStatus,
} from './unlock/index.js';
import {
  createPrivateDir,
  describePath,
  DIR_MODE,
  FILE_MODE,
  type PermissionReport,
} from './permissions.js';
import { isValidProviderName, PROVIDERS, resolveProvider, type ProviderInfo } from './providers.js';
import { VALIDATION_MODES, type StorageMode, type ValidationMode } from './option-names.js';
import {
  resolveOptions,
  type ResolvedOptions,
  type SecureKeyManagerOptions,
} from './resolve-options.js';

import type { KeyStore, StoreEntry, StoreProbe } from './stores/key-store.js';
import { KEYRING_SERVICE } from './stores/keyring-store.js';
import { resolveStores, type ResolvedStores } from './stores/registry.js';

export type { ValidationMode };
export { KEYRING_SERVICE };

/** Where a key can come from: the environment, or a store by name (`keyring`, `file`, …). */
export type KeySource = 'env' | 'keyring' | 'file' | (string & {});

export interface StoreKeyOptions {
  /** `format` (default): generic checks and the provider's key format; `live`: also ask the provider; `none`: generic checks only. */
  validate?: ValidationMode | undefined;
  /**
   * The store to write to, by name (`keyring`, `file`). Default: `storeKey` writes to the first
   * usable store of the storage mode; `rotateKey` keeps the store the key is in (in `auto` mode;
   * an explicit `keyring`/`file` mode moves it there).
   */
  store?: string | undefined;
}

/** What a write did: the one store that now holds the key, and where copies were removed. */
export interface KeyWriteResult {
  store: string;
  /** Where that is, in words: "the OS keyring", "the encrypted file /…/keys.enc". */
  location: string;
  /** Stores that held an older copy, now removed. */
  removedFrom: string[];
  fingerprint: string;
  /** The fingerprint of the key this one replaced, if there was one. */
  previousFingerprint?: string | undefined;
}

export interface KeyInfo {
  provider: string;
  source: KeySource;
  /** The public prefix and the last 4 characters, e.g. `sk-proj-…a1b2`; never the key. */
  fingerprint: string;
  updatedAt?: string;
  /** False when a key of higher precedence (env, then the stores in order) shadows this one. */
  active: boolean;
}

/** A store `list-keys` could not read: its keys are unknown, not absent. */
export interface UnavailableStore {
  store: string;
  reason: string;
  /** Providers the store is known to hold (the keyring's index), when known. */
  providers?: string[] | undefined;
}

export interface KeyInventory {
  keys: KeyInfo[];
  unavailable: UnavailableStore[];
}

export interface SecurityStatus {
  storage: StorageMode;
  /** Where new keys go: `none` when `storage: 'keyring'` and no keyring is usable. */
  activeBackend: 'keyring' | 'file' | 'none';
  keyring: KeyringProbeResult;
  /** The storage mode's stores in order, and whether each can be used now. */
  stores: Array<{ name: string; description: string; state: StoreProbe['state']; reason?: string }>;
  configDir: PermissionReport;
  keyFile: PermissionReport;
  auditLog: { path: string; enabled: boolean };
  kdf: KdfParams;
  /** This config dir's unlock agent (`localagent unlock`): whether one runs, until when. */
  unlockAgent: UnlockAgentStatus;
}

/** The lock every key write of a config dir takes (the keyring has none of its own). */
export const WRITE_LOCK_FILE = 'keys.lock';

interface Holder {
  store: KeyStore;
  entry: StoreEntry;
}

/**
 * API keys in the OS keyring or an encrypted file, with environment overrides, validation before
 * storing, rotation and an audit line for every access. Create with `await SecureKeyManager.create()`.
 *
 * Where keys live is a list of stores (src/stores/) resolved once from `storage`: `auto` reads the
 * keyring, then the encrypted file; `keyring` and `file` one of them. Each provider's key lives in
 * exactly one store: every write removes the copies elsewhere, or fails and changes nothing.
 */
export class SecureKeyManager {
  readonly #o: ResolvedOptions;
  readonly #stores: ResolvedStores;
  readonly #audit: AuditLog | undefined;
  #warnedFallback = false;
  #warnedAudit = false;
  #closed = false;
  #password: Promise<Buffer> | undefined;

  private constructor(options: ResolvedOptions) {
    this.#o = options;
    const target = { configDir: options.configDir, env: options.env };
    const session = new EncryptionSession(options.encryption, () => this.#masterPassword(), {
      // an unlocked key file (`localagent unlock`) opens without the password
      keySource: (id) => requestUnlockedKey({ ...target, id }),
    });
    this.#stores = resolveStores({ options, session });
    this.#audit = options.audit
      ? new AuditLog({ path: options.auditLogPath, now: options.now })
      : undefined;
  }

  /** Resolves the configuration once (options, then env, then config.yaml, then defaults). Touches no key store. */
  static async create(options: SecureKeyManagerOptions = {}): Promise<SecureKeyManager> {
    return new SecureKeyManager(resolveOptions(options));
  }

  get configDir(): string {
    return this.#o.configDir;
  }

  /** The master password, asked once per manager (a prompt is not repeated); wiped on close(). */
  #masterPassword(): Promise<Secret> {
    this.#password ??= this.#askMasterPassword().catch((error: unknown) => {
      this.#password = undefined; // a failed or cancelled prompt may be asked again
      throw error;
    });
    return this.#password;
  }

  async #askMasterPassword(): Promise<Buffer> {
    const source = this.#o.masterPassword;
    const value = typeof source === 'function' ? await source() : source;
    if (value === undefined || value.length === 0) {
      throw new ConfigurationError({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
        message: `A master password is needed for the encrypted key file ${this.#o.keyFilePath}, and none is available.`,
        suggestion:
          'Set LOCALAGENT_MASTER_PASSWORD, run the command in a terminal so it can ask for the password, run `localagent unlock` once, or use the OS keyring (`--storage keyring`).',
      });
    }
    // our own copy (a caller's Buffer stays theirs); each session copies it again and wipes its copy
    return Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }

  #provider(name: string): ProviderInfo {
    return resolveProvider(name, this.#o.config.providers);
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new ConfigurationError({
        message: 'This SecureKeyManager was closed; create a new one.',
      });
  }

  /**
   * The checks every call starts with (the manager is open, the provider name is valid), as part of
   * the audited path: a call failing them is a failed attempt and gets its audit line. An invalid
   * name is not recorded, since it may be anything (a key pasted in the wrong argument included).
   */
  #checked(action: AuditEvent['action'], name: string): ProviderInfo;
  #checked(action: AuditEvent['action']): undefined;
  #checked(action: AuditEvent['action'], name?: string): ProviderInfo | undefined {
    try {
      this.#assertOpen();
      return name === undefined ? undefined : this.#provider(name);
    } catch (error) {
      const provider = typeof name === 'string' && isValidProviderName(name) ? name : undefined;
      this.#recordFailure(action, provider, error);
      throw error;
    }
  }

  #envKey(info: ProviderInfo): string | undefined {
    for (const name of info.envVars) {
      const value = this.#o.env[name];
      if (value !== undefined && normalizeKey(value) !== '') return normalizeKey(value);
    }
    return undefined;
  }

  /**
   * The stored key: the first store of the read order that has one. A store that cannot be read
   * makes "no key" unknown: it throws rather than answer `undefined` when it may hold the key (it
   * is locked or hung, it is the only store, or its index says so); a key found in a later store
   * is still the key, since each key lives in one store.
   */
  async #stored(provider: string): Promise<Holder | undefined> {
    let unknown: Error | undefined;
    for (const store of this.#stores.readOrder) {
      const probe = await store.probe();
      if (probe.state === 'usable') {
        const entry = await store.get(provider);
        if (entry !== undefined) return { store, entry };
      } else {
        unknown ??= await this.#unknownIn(store, provider, probe);
      }
    }
    if (unknown !== undefined) throw unknown;
    return undefined;
  }

  /**
   * For a store of the read order that cannot be used: the error that makes "no key" unknown, or
   * `undefined` when it does not hold the key. The only store of the mode: always unknown (the
   * configured store does not work). Else what it knows without being reached (the keyring's
   * index): a copy there is unknown-and-present; no copy is no copy; not knowing is unknown only
   * for a store that exists but cannot be read (locked, hung), not one absent from this session.
   */
  async #unknownIn(
    store: KeyStore,
    provider: string,
    probe: StoreProbe & { state: 'absent' | 'unreadable' },
  ): Promise<Error | undefined> {
    if (this.#stores.readOrder.length === 1) return probe.error;
    const known = await store.mayHold(provider);
    if (known === true) return unreachableCopy(store, provider, probe);
    if (known === false) return undefined;
    return probe.state === 'unreadable' ? probe.error : undefined;
  }

  #record(event: AuditEvent): void {
    if (this.#audit === undefined) return;
    try {
      this.#audit.append(event);
    } catch (error) {
      // an unwritable audit log (also: one gone since a closed manager last wrote it) must not lock
      // the user out of their keys, nor replace the call's own error; it is reported once
      if (!this.#warnedAudit) {
        this.#warnedAudit = true;
        this.#o.logger.warning(
          `Could not append to the audit log ${this.#o.auditLogPath}: ${(error as Error).message}`,
        );
      }
    }
  }

  async #audited<T>(
    action: AuditEvent['action'],
    provider: string | undefined,
    run: () => Promise<{ result: T; event: Partial<AuditEvent> }>,
  ): Promise<T> {
    try {
      const { result, event } = await run();
      this.#record({ action, provider, outcome: 'success', ...event });
      return result;
    } catch (error) {
      this.#recordFailure(action, provider, error);
      throw error;
    }
  }

  #recordFailure(action: AuditEvent['action'], provider: string | undefined, error: unknown): void {
    const code = LocalAgentError.isInstance(error) ? error.code : 'LA_INTERNAL';
    this.#record({
      action,
      provider,
      outcome: code === 'LA_KEY_NOT_FOUND' ? 'not_found' : 'failure',
      code,
    });
  }

  async #validated(
    info: ProviderInfo,
    key: string,
    mode: ValidationMode = 'format',
  ): Promise<string> {
    if (!VALIDATION_MODES.includes(mode)) {
      throw new ConfigurationError({
        message: `validate must be one of: ${VALIDATION_MODES.join(', ')}.`,
        details: { allowed: [...VALIDATION_MODES] },
      });
    }
    // `none` still applies the generic checks: an empty or multi-line key is never worth storing
    const normalized = checkKey(info, key, mode !== 'none');
    // masked from here on, in every error and log line: a provider may echo the key it rejects, and
    // one that failed validation is still a secret the user pasted (it stays registered)
    registerSecret(normalized);
    if (mode === 'live')
      await checkKeyLive({
        provider: info,
        key: normalized,
        env: this.#o.env,
        allowedHosts: this.#o.config.live_check?.allowed_hosts,
        fetch: this.#o.fetch,
      });
    return normalized;
  }

  /** Runs `body` holding the config dir's write lock: writes of one config dir never interleave. */
  async #locked<T>(body: (assertHeld: () => Promise<void>) => Promise<T>): Promise<T> {
    const dir = this.#o.configDir;
    await createPrivateDir(dir);
    const staleMs = Math.max(this.#o.lockStaleMs ?? 10_000, 2_000);
    const lockPath = join(dir, WRITE_LOCK_FILE);
    const lock = await acquireLock(lockPath, staleMs * 3, staleMs);
    const assertHeld = async (): Promise<void> => {
      if (!(await lock.isHeld()))
        throw new StorageError({
          message: `Lost the lock ${lockPath} before writing; nothing was written.`,
          details: { path: lockPath, reasonCode: 'lock_lost' },
          suggestion:
            'Retry. The lock was taken over as stale after this process was paused (a suspended machine) beyond the stale time.',
        });
    };
    try {
      return await body(assertHeld);
    } finally {
      lock.release();
    }
  }

  #storeNamed(name: string): KeyStore {
    const store = this.#stores.all.find((s) => s.name === name);
    if (store === undefined)
      throw new ConfigurationError({
        message: `Unknown key store "${name}"; known stores: ${this.#stores.all.map((s) => s.name).join(', ')}.`,
        details: { allowed: this.#stores.all.map((s) => s.name) },
      });
    return store;
  }

  /**
   * Every copy of the provider's key, in every store (the read order first). A store that cannot be
   * reached but is known to hold one fails the call: a write must not leave a copy it cannot
   * remove. `unknown` is the error of a store of the read order that could not be read (locked,
   * hung, or the only store): whether it holds the key is unknown, not "no". Stores outside the
   * read order are only looked into when they may hold the key (the keyring's index says so, or
   * cannot tell).
   */
  async #holders(provider: string): Promise<{ holders: Holder[]; unknown: Error | undefined }> {
    const holders: Holder[] = [];
    let unknown: Error | undefined;
    const { readOrder, all } = this.#stores;
    for (const store of [...readOrder, ...all.filter((s) => !readOrder.includes(s))]) {
      const primary = readOrder.includes(store);
      const known = await store.mayHold(provider);
      if (known === false && !primary) continue;
      const probe = await store.probe();
      if (probe.state === 'usable') {
        const entry = await store.get(provider);
        if (entry !== undefined) holders.push({ store, entry });
      } else if (known === true) {
        throw unreachableCopy(store, provider, probe);
      } else if (primary) {
        unknown ??= await this.#unknownIn(store, provider, probe);
      }
    }
    return { holders, unknown };
  }

  /** The store a new key goes to: the first usable of the read order; `auto` falls back to the file (never plaintext) and says so once. */
  async #defaultTarget(): Promise<KeyStore> {
    let firstProblem: (StoreProbe & { state: 'absent' | 'unreadable' }) | undefined;
    for (const store of this.#stores.readOrder) {
      const probe = await store.probe();
      if (probe.state === 'usable') {
        if (firstProblem !== undefined && !this.#warnedFallback) {
          this.#warnedFallback = true;
          this.#o.logger.warning(
            `The OS keyring is not usable (${firstProblem.reason}); keys are stored in ${store.description}.`,
            { reasonCode: firstProblem.reasonCode, store: store.name },
          );
        }
        return store;
      }
      firstProblem ??= probe;
    }
    /* istanbul ignore next -- the read order always ends with a store whose probe is usable or explains why not */
    throw firstProblem?.error ?? new StorageError({ message: 'No key store is usable.' });
  }

  /**
   * Writes `key` to one store and removes every other copy, under the config dir's write lock. With
   * `expected`, a compare-and-set: the key in effect must still be `expected`, else KeyConflictError.
   */
  async #write(
    info: ProviderInfo,
    key: string,
    choose: (holders: Holder[]) => Promise<KeyStore>,
    expected?: string,
  ): Promise<KeyWriteResult> {
    return this.#locked(async (assertHeld) => {
      const { holders, unknown } = await this.#holders(info.name);
      // a store that may hold an older copy and cannot be read: writing elsewhere could leave it in effect
      if (unknown !== undefined) throw unknown;
      if (expected !== undefined) {
        const current = holders[0];
        if (current === undefined) {
          throw new KeyNotFoundError({
            message: `The ${info.displayName} key was deleted while it was being rotated; nothing was stored.`,
            provider: info.name,
          });
        }
        if (current.entry.key !== expected) {
          const winner = fingerprint(info, current.entry.key);
          throw new KeyConflictError({
            message: `Another process replaced the ${info.displayName} key while this rotation ran (the key now stored is ${winner}); this rotation changed nothing.`,
            details: { provider: info.name, currentFingerprint: winner },
          });
        }
      }
      const target = await choose(holders);
      const probe = await target.probe();
      if (probe.state !== 'usable') throw probe.error;
      const previous = holders.find((h) => h.store === target)?.entry;
      await assertHeld();
      await target.set(info.name, key, this.#o.now());
      const removed: Holder[] = [];
      try {
        for (const holder of holders) {
          if (holder.store === target) continue;
          await holder.store.delete(info.name);
          removed.push(holder);
        }
      } catch (error) {
        // a stale copy could not be removed: undo, so that nothing changed
        await this.#undo(info, target, previous, removed, error);
        throw error;
      }
      const removedFrom = removed.map((h) => h.store.name);
      const previousKey = holders[0]?.entry.key;
      return {
        store: target.name,
        location: target.description,
        removedFrom,
        fingerprint: fingerprint(info, key),
        ...(previousKey === undefined
          ? {}
          : { previousFingerprint: fingerprint(info, previousKey) }),
      };
    });
  }

  /** Puts the copies removed so far back and the target as it was; says so if that fails too. */
  async #undo(
    info: ProviderInfo,
    target: KeyStore,
    previous: StoreEntry | undefined,
    removed: Holder[],
    error: unknown,
  ): Promise<void> {
    const failed: string[] = [];
    for (const { store, entry } of removed)
      await store.set(info.name, entry.key, this.#o.now()).catch(() => failed.push(store.name));
    await (
      previous === undefined
        ? target.delete(info.name)
        : target.set(info.name, previous.key, this.#o.now())
    ).catch(() => failed.push(target.name));
    if (failed.length > 0)
      throw new StorageError({
        message: `Removing an older copy of the ${info.displayName} key failed (${(error as Error).message}), and undoing the write failed in: ${failed.join(', ')}. The new key is in ${target.description}; check \`localagent config list-keys\`.`,
        details: { provider: info.name, rollbackFailed: failed, store: target.name },
        cause: error,
      });
  }

  #warnIfShadowed(info: ProviderInfo): void {
    const variable = info.envVars.find((name) => (this.#o.env[name] ?? '') !== '');
    if (variable !== undefined) {
      this.#o.logger.warning(
        `${variable} is set and overrides the stored ${info.displayName} key.`,
        { provider: info.name, variable },
      );
    }
  }

  /**
   * Validates (default `format`) and stores a key in one store (`options.store`, else the first
   * usable of the storage mode), removing any copy from the others. Nothing is stored when
   * validation fails or a stale copy cannot be removed.
   */
  async storeKey(
    provider: string,
    key: string,
    options: StoreKeyOptions = {},
  ): Promise<KeyWriteResult> {
    const info = this.#checked('store', provider);
    return this.#audited('store', info.name, async () => {
      const normalized = await this.#validated(info, key, options.validate);
      // opened before the lock, so a password prompt or a key derivation does not hold it
      await this.#holders(info.name);
      const result = await this.#write(info, normalized, () =>
        options.store === undefined
          ? this.#defaultTarget()
          : Promise.resolve(this.#storeNamed(options.store)),
      );
      registerSecret(normalized);
      this.#warnIfShadowed(info);
      return { result, event: { backend: result.store, fingerprint: result.fingerprint } };
    });
  }

  /**
   * The stored key in effect (the first store of the read order holding one), with its audit line
   * (`retrieve`: the key was read); `undefined` when no store holds one (audited `not_found`).
   */
  async #retrieveStored(info: ProviderInfo): Promise<Holder | undefined> {
    try {
      return await this.#audited('retrieve', info.name, async () => {
        const stored = await this.#stored(info.name);
        if (stored === undefined)
          throw new KeyNotFoundError({
            message: `No ${info.displayName} key is stored.`,
            provider: info.name,
          });
        return {
          result: stored,
          event: { backend: stored.store.name, fingerprint: fingerprint(info, stored.entry.key) },
        };
      });
    } catch (error) {
      if (KeyNotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** The key in effect (env, then the stores in order), or `undefined`. */
  async retrieveKey(provider: string): Promise<string | undefined> {
    const info = this.#checked('retrieve', provider);
    const fromEnv = this.#envKey(info);
    if (fromEnv !== undefined) {
      // the environment's key is not ours: nothing stored was read, so nothing is audited
      registerSecret(fromEnv);
      return fromEnv;
    }
    const stored = await this.#retrieveStored(info);
    if (stored !== undefined) registerSecret(stored.entry.key);
    return stored?.entry.key;
  }

  /**
   * The key in effect, described (source, fingerprint, when it was stored), without the key: the
   * environment's, else the first store of the read order that has one; `undefined` when none has.
   * Like `retrieveKey`, it opens only the store that holds the key.
   */
  async describeKey(provider: string): Promise<KeyInfo | undefined> {
    const info = this.#checked('retrieve', provider);
    const fromEnv = this.#envKey(info);
    if (fromEnv !== undefined)
      return {
        provider: info.name,
        source: 'env',
        fingerprint: fingerprint(info, fromEnv),
        active: true,
      };
    const stored = await this.#retrieveStored(info);
    if (stored === undefined) return undefined;
    return {
      provider: info.name,
      source: stored.store.name,
      fingerprint: fingerprint(info, stored.entry.key),
      ...(stored.entry.updatedAt === undefined ? {} : { updatedAt: stored.entry.updatedAt }),
      active: true,
    };
  }

  /**
   * Replaces the stored key, as a compare-and-set: if another process replaced it since this call
   * read it, this one fails with KeyConflictError and changes nothing. The key stays in its store
   * unless `options.store` (or an explicit `keyring`/`file` storage mode) names another.
   */
  async rotateKey(
    provider: string,
    newKey: string,
    options: StoreKeyOptions = {},
  ): Promise<KeyWriteResult> {
    const info = this.#checked('rotate', provider);
    return this.#audited('rotate', info.name, async () => {
      const { holders, unknown } = await this.#holders(info.name);
      const current = holders[0];
      if (current === undefined) {
        if (unknown !== undefined) throw unknown;
        throw new KeyNotFoundError({
          message: `No ${info.displayName} key is stored, so there is none to rotate.`,
          provider: info.name,
        });
      }
      const normalized = await this.#validated(info, newKey, options.validate);
      const explicit =
        options.store ?? (this.#o.storage === 'auto' ? undefined : this.#stores.readOrder[0]?.name);
      const result = await this.#write(
        info,
        normalized,
        (holders) =>
          Promise.resolve(
            explicit === undefined
              ? (holders[0]?.store ?? current.store)
              : this.#storeNamed(explicit),
          ),
        current.entry.key,
      );
      registerSecret(normalized);
      this.#warnIfShadowed(info);
      return { result, event: { backend: result.store, fingerprint: result.fingerprint } };
    });
  }

  /** Removes the provider's key from every store; `false` when none held one. Env variables are not ours to remove. */
  async deleteKey(provider: string): Promise<boolean> {
    const info = this.#checked('delete', provider);
    return this.#audited('delete', info.name, async () => {
      await this.#holders(info.name); // the password prompt and derivation, before the lock
      return this.#locked(async (assertHeld) => {
        const removedFrom: string[] = [];
        const { holders, unknown } = await this.#holders(info.name);
        // a store that could not be read may hold a copy, which would then be the key in effect
        if (unknown !== undefined) throw unknown;
        await assertHeld();
        for (const { store } of holders) {
          if (await store.delete(info.name)) removedFrom.push(store.name);
        }
        return {
          result: removedFrom.length > 0,
          event:
            removedFrom.length > 0
              ? { backend: removedFrom.join('+') }
              : { backend: 'none', outcome: 'not_found' },
        };
      });
    });
  }

  /** Every key the manager can see, one entry per provider and source; `active` marks the one in effect. Stores that cannot be read are warned about. */
  async listKeys(): Promise<KeyInfo[]> {
    const { keys, unavailable } = await this.keyInventory();
    for (const { store, reason } of unavailable)
      this.#o.logger.warning(`Could not list the keys in the ${store} store: ${reason}.`, {
        store,
      });
    return keys;
  }

  /** `listKeys` plus the stores that could not be read (locked, timed out, unreachable), whose keys are unknown. */
  async keyInventory(): Promise<KeyInventory> {
    this.#checked('list');
    return this.#audited('list', undefined, async () => {
      const entries: Array<Omit<KeyInfo, 'active'> & { rank: number }> = [];
      const unavailable: UnavailableStore[] = [];
      const names = new Set([...Object.keys(PROVIDERS), ...Object.keys(this.#o.config.providers)]);
      for (const name of names) {
        const info = this.#provider(name);
        const key = this.#envKey(info);
        if (key !== undefined)
          entries.push({
            provider: name,
            source: 'env',
            fingerprint: fingerprint(info, key),
            rank: 0,
          });
      }
      for (const [index, store] of this.#stores.readOrder.entries()) {
        const probe = await store.probe();
        if (probe.state !== 'usable') {
          const known =
            store === this.#stores.keyring ? await this.#stores.keyring.indexedProviders() : [];
          if (
            probe.state === 'unreadable' ||
            known.length > 0 ||
            this.#stores.readOrder.length === 1
          )
            unavailable.push({
              store: store.name,
              reason: probe.reason,
              ...(known.length > 0 ? { providers: known } : {}),
            });
          continue;
        }
        let listing;
        try {
          listing = await store.list();
        } catch (error) {
          if (!isUnreadableStoreError(error)) throw error;
          unavailable.push({ store: store.name, reason: (error as LocalAgentError).message });
          continue;
        }
        for (const entry of listing) {
          entries.push({
            provider: entry.provider,
            source: store.name,
            fingerprint: this.#fingerprintFor(entry.provider, entry.key),
            ...(entry.updatedAt === undefined ? {} : { updatedAt: entry.updatedAt }),
            rank: index + 1,
          });
        }
      }
      entries.sort((a, b) => a.provider.localeCompare(b.provider) || a.rank - b.rank);
      const seen = new Set<string>();
      const keys = entries.map(({ rank: _rank, ...entry }) => {
        const active = !seen.has(entry.provider);
        seen.add(entry.provider);
        return { ...entry, active };
      });
      return { result: { keys, unavailable }, event: {} };
    });
  }

  #fingerprintFor(name: string, key: string): string {
    try {
      return fingerprint(this.#provider(name), key);
    } catch {
      return fingerprint(resolveProvider('custom'), key);
    }
  }

  /** Which store is active and why, file locations and permissions: what `localagent doctor` prints. Never throws for an unusable keyring. */
  async status(): Promise<SecurityStatus> {
    const keyring =
      this.#o.storage === 'file'
        ? {
            usable: false,
            driver: this.#o.keyringDriver,
            reason: 'storage is set to the encrypted file',
            reasonCode: 'disabled',
          }
        : await this.#stores.keyring.keyringProbe();
    const stores: SecurityStatus['stores'] = [];
    for (const store of this.#stores.readOrder) {
      const probe = await store.probe();
      stores.push({
        name: store.name,
        description: store.description,
        state: probe.state,
        ...(probe.state === 'usable' ? {} : { reason: probe.reason }),
      });
    }
    const activeBackend = keyring.usable
      ? 'keyring'
      : this.#o.storage === 'keyring'
        ? 'none'
        : 'file';
    return {
      storage: this.#o.storage,
      activeBackend,
      keyring,
      stores,
      configDir: await describePath(this.#o.configDir, DIR_MODE),
      keyFile: await describePath(this.#o.keyFilePath, FILE_MODE),
      auditLog: { path: this.#o.auditLogPath, enabled: this.#audit !== undefined },
      kdf: this.#o.encryption.params,
      unlockAgent: await unlockAgentStatus({ configDir: this.#o.configDir, env: this.#o.env }),
    };
  }

  /**
   * Re-encrypts the key file with a new master password (and a fresh salt), atomically and under
   * the lock; the current password is needed to read it. Resolves false when there is no file.
   * Keys in the OS keyring are not affected.
   */
  async changeMasterPassword(newPassword: Secret): Promise<boolean> {
    this.#checked('change_password');
    return this.#audited('change_password', undefined, async () => {
      if (newPassword.length === 0) {
        throw new ConfigurationError({
          code: 'LA_MASTER_PASSWORD_REQUIRED',
          message: 'The new master password is empty.',
        });
      }
      assertNewMasterPassword(newPassword);
      // the current password itself, not an unlock agent's key: a change needs the old password
      const proof = await this.#withPasswordSession((session) =>
        this.#stores.file.unlockMaterial(session),
      );
      proof?.key.fill(0);
      const copy =
        typeof newPassword === 'string'
          ? Buffer.from(newPassword, 'utf8')
          : Buffer.from(newPassword);
      const next = new EncryptionSession(this.#o.encryption, () => Promise.resolve(copy));
      let changed = false;
      try {
        changed = await this.#stores.file.rekey(next);
        // an unlock agent holds the old password's key, which opens nothing any more
        if (changed) await stopUnlockAgent({ configDir: this.#o.configDir, env: this.#o.env });
        return changed
          ? { result: true, event: { backend: 'file' } }
          : { result: false, event: { backend: 'none', outcome: 'not_found' } };
      } finally {
        // the session copied the password into its own Buffer on first use; a session the store did not adopt is wiped
        copy.fill(0);
        if (!changed) next.close();
      }
    });
  }

  /**
   * Hands the key file's derived key to a per-user unlock agent for `ttlMs`, so later processes of
   * this user (the CLI, `getApiKey`) open the file without the password; nothing is written to disk
   * but the agent's socket. Needs the password once, now. Replaces a running agent.
   */
  async unlock(options: { ttlMs: number }): Promise<{ expiresAt: Date; socketPath: string }> {
    this.#checked('unlock');
    return this.#audited('unlock', undefined, async () => {
      // the password itself, not an agent's key: unlocking again must not renew an agent forever
      const material = await this.#withPasswordSession((session) =>
        this.#stores.file.unlockMaterial(session),
      );
      if (material === undefined)
        throw new KeyNotFoundError({
          message: `There is no encrypted key file to unlock (${this.#o.keyFilePath}); keys in the OS keyring need no unlocking.`,
          suggestion:
            'Store a key in the file first (`localagent config set-key <provider> --storage file`), or keep using the keyring.',
        });
      try {
        const agent = await startUnlockAgent({
          configDir: this.#o.configDir,
          env: this.#o.env,
          entries: [material],
          ttlMs: options.ttlMs,
        });
        return {
          result: { expiresAt: agent.expiresAt, socketPath: agent.socketPath },
          event: { backend: 'file' },
        };
      } finally {
        material.key.fill(0);
      }
    });
  }

  /** Stops this config dir's unlock agent, which wipes the key it held; `false` when none was running. */
  async lock(): Promise<boolean> {
    this.#checked('lock');
    return this.#audited('lock', undefined, async () => {
      const stopped = await stopUnlockAgent({ configDir: this.#o.configDir, env: this.#o.env });
      return { result: stopped, event: stopped ? {} : { outcome: 'not_found' } };
    });
  }

  /** Runs `use` with an encryption session that only the master password opens (no unlock agent). */
  async #withPasswordSession<T>(use: (session: EncryptionSession) => Promise<T>): Promise<T> {
    const session = new EncryptionSession(this.#o.encryption, () => this.#masterPassword());
    try {
      return await use(session);
    } finally {
      session.close();
    }
  }

  /** Wipes the master password and derived keys held in memory. The manager cannot be used afterwards. */
  close(): void {
    this.#closed = true;
    void this.#password?.then((buffer) => buffer.fill(0)).catch(() => undefined);
    for (const store of this.#stores.all) store.close();
  }
}

/** Errors that mean "this store cannot be read now" in a listing: a keyring that failed or timed out, a key file without its password. */
function isUnreadableStoreError(error: unknown): boolean {
  return (
    KeyringUnavailableError.isInstance(error) ||
    (ConfigurationError.isInstance(error) && error.code === 'LA_MASTER_PASSWORD_REQUIRED')
  );
}

/** A store known to hold the key that this session cannot reach: writing elsewhere would leave that copy in effect there. */
function unreachableCopy(
  store: KeyStore,
  provider: string,
  probe: StoreProbe & { state: 'absent' | 'unreadable' },
): LocalAgentError {
  const options = {
    message: `The ${provider} key is in ${store.description}, which cannot be reached now (${probe.reason}); nothing was changed, so that copy does not stay in effect elsewhere.`,
    suggestion: `Run the command where ${store.description} can be reached (e.g. the desktop session), or delete the key there first (\`localagent config delete-key ${provider}\`).`,
    details: { store: store.name, reasonCode: probe.reasonCode, provider },
    cause: probe.error,
  };
  return store.name === 'keyring'
    ? new KeyringUnavailableError(options)
    : new StorageError(options);
}
