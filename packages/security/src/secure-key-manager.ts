import {
  ConfigurationError,
  KeyNotFoundError,
  KeyringUnavailableError,
  LocalAgentError,
  registerSecret,
} from '@localagent/errors';
import { AuditLog, type AuditEvent } from './audit-log.js';
import { EncryptionSession, type KdfParams, type Secret } from './encryption-service.js';
import { EncryptedFileStore } from './stores/encrypted-file-store.js';
import { checkKey, fingerprint, normalizeKey } from './key-format.js';
import type { KeyringBackend, KeyringProbeResult } from './keyring/backend.js';
import { loadKeyringBackendSafely } from './keyring-loader.js';
import { reasonText } from './keyring/reasons.js';
import { checkKeyLive } from './live-check.js';
import { describePath, DIR_MODE, FILE_MODE, type PermissionReport } from './permissions.js';
import { isValidProviderName, PROVIDERS, resolveProvider, type ProviderInfo } from './providers.js';
import { VALIDATION_MODES, type StorageMode, type ValidationMode } from './option-names.js';
import {
  resolveOptions,
  type ResolvedOptions,
  type SecureKeyManagerOptions,
} from './resolve-options.js';

export type { ValidationMode };

/** The keyring service name every key is stored under; the account is the provider name. */
export const KEYRING_SERVICE = 'localagent';

export type KeySource = 'env' | 'keyring' | 'file';

export interface StoreKeyOptions {
  /** `format` (default): generic checks and the provider's key format; `live`: also ask the provider; `none`: generic checks only. */
  validate?: ValidationMode | undefined;
}

export interface KeyInfo {
  provider: string;
  source: KeySource;
  /** The public prefix and the last 4 characters, e.g. `sk-proj-…a1b2`; never the key. */
  fingerprint: string;
  updatedAt?: string;
  /** False when a key of higher precedence (env, then keyring, then file) shadows this one. */
  active: boolean;
}

export interface SecurityStatus {
  storage: StorageMode;
  /** Where new keys go: `none` when `storage: 'keyring'` and no keyring is usable. */
  activeBackend: 'keyring' | 'file' | 'none';
  keyring: KeyringProbeResult;
  configDir: PermissionReport;
  keyFile: PermissionReport;
  auditLog: { path: string; enabled: boolean };
  kdf: KdfParams;
}

interface Stored {
  key: string;
  source: 'keyring' | 'file';
  updatedAt?: string;
}

const REASON_CODES = [
  'module-missing',
  'no-dbus',
  'no-secret-service',
  'locked',
  'timeout',
  'error',
] as const;

/**
 * Probe reasons meaning a keyring exists but cannot be read (locked, hung, failing): whether it holds
 * a key is unknown, not "no". The others (module missing, no D-Bus, no Secret Service) mean there is
 * no keyring to hold one.
 */
const UNREADABLE_REASONS: ReadonlySet<string> = new Set(['locked', 'timeout', 'error']);

/** The drivers' advice for the probe's reason (how to start or unlock a Secret Service, or use the file). */
function keyringSuggestion(probe: KeyringProbeResult): string | undefined {
  const code = REASON_CODES.find((c) => c === probe.reasonCode);
  return code === undefined ? undefined : reasonText(code, probe.driver).suggestion;
}

function unusableKeyring(probe: KeyringProbeResult): KeyringUnavailableError {
  return new KeyringUnavailableError({
    message: `The OS keyring is not usable: ${probe.reason ?? 'unknown reason'}.`,
    suggestion: keyringSuggestion(probe),
    details: { driver: probe.driver, reasonCode: probe.reasonCode },
  });
}

const noKeyring = (
  driver: KeyringProbeResult['driver'],
  reason: string,
  reasonCode: string,
): KeyringProbeResult => ({
  usable: false,
  driver,
  reason,
  reasonCode,
});

/**
 * API keys in the OS keyring or an encrypted file, with environment overrides, validation before
 * storing, rotation and an audit line for every access. Create with `await SecureKeyManager.create()`.
 */
export class SecureKeyManager {
  readonly #o: ResolvedOptions;
  readonly #file: EncryptedFileStore;
  readonly #audit: AuditLog | undefined;
  #keyring: Promise<{ backend: KeyringBackend | undefined; probe: KeyringProbeResult }> | undefined;
  /** A backend this manager loaded (not injected): closed with the manager. */
  #ownedBackend: KeyringBackend | undefined;
  #warnedFallback = false;
  #warnedAudit = false;
  #closed = false;

  private constructor(options: ResolvedOptions) {
    this.#o = options;
    this.#file = new EncryptedFileStore({
      path: options.keyFilePath,
      session: new EncryptionSession(options.encryption, () => this.#masterPassword()),
      logger: options.logger,
      lockStaleMs: options.lockStaleMs,
    });
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

  async #masterPassword(): Promise<Secret> {
    const source = this.#o.masterPassword;
    const value = typeof source === 'function' ? await source() : source;
    if (value === undefined || value.length === 0) {
      throw new ConfigurationError({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
        message: `A master password is needed for the encrypted key file ${this.#o.keyFilePath}, and none is available.`,
        suggestion:
          'Set LOCALAGENT_MASTER_PASSWORD, run the command in a terminal so it can ask for the password, or use the OS keyring (`--storage keyring`).',
      });
    }
    return value;
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

  /** The keyring backend and its probe, determined once, on first need. */
  #keyringState(): Promise<{ backend: KeyringBackend | undefined; probe: KeyringProbeResult }> {
    this.#keyring ??= (async () => {
      const driver = this.#o.keyringDriver;
      if (this.#o.storage === 'file')
        return {
          backend: undefined,
          probe: noKeyring(driver, 'storage is set to the encrypted file', 'disabled'),
        };
      const backend =
        this.#o.keyringBackend ??
        (await loadKeyringBackendSafely(driver, {
          timeoutMs: this.#o.keyringTimeoutMs,
          env: this.#o.env,
        }));
      if (backend !== this.#o.keyringBackend) this.#ownedBackend = backend;
      let probe: KeyringProbeResult;
      try {
        probe = await backend.probe();
      } catch (error) {
        probe = noKeyring(
          backend.driver,
          `the keyring probe failed: ${(error as Error).message}`,
          'error',
        );
      }
      return { backend: probe.usable ? backend : undefined, probe };
    })();
    return this.#keyring;
  }

  /**
   * The keyring to read or delete from: `undefined` when it is not usable in `auto`/`file` mode; with
   * `storage: 'keyring'` an unusable keyring throws, since "unknown" must not be reported as "absent".
   * `unreadable` is the probe of an `auto` keyring that exists but cannot be read (locked, timeout,
   * error): a key found in the file may still be used, but "no key" is unknown and must throw it.
   */
  async #usableKeyring(): Promise<{
    keyring: KeyringBackend | undefined;
    unreadable: KeyringProbeResult | undefined;
  }> {
    const { backend, probe } = await this.#keyringState();
    if (backend !== undefined) return { keyring: backend, unreadable: undefined };
    if (this.#o.storage === 'keyring') throw unusableKeyring(probe);
    const unreadable =
      this.#o.storage === 'auto' && UNREADABLE_REASONS.has(probe.reasonCode ?? '')
        ? probe
        : undefined;
    return { keyring: undefined, unreadable };
  }

  /** Where new keys go. `auto` falls back to the encrypted file (never plaintext) and says so once. */
  async #writeTarget(): Promise<
    { target: 'keyring'; backend: KeyringBackend } | { target: 'file' }
  > {
    if (this.#o.storage === 'file') return { target: 'file' };
    const { backend, probe } = await this.#keyringState();
    if (backend !== undefined) return { target: 'keyring', backend };
    if (this.#o.storage === 'keyring') throw unusableKeyring(probe);
    if (!this.#warnedFallback) {
      this.#warnedFallback = true;
      this.#o.logger.warning(
        `The OS keyring is not usable (${probe.reason ?? 'unknown reason'}); keys are stored in the encrypted file ${this.#o.keyFilePath}.`,
        { driver: probe.driver, reasonCode: probe.reasonCode, path: this.#o.keyFilePath },
      );
    }
    return { target: 'file' };
  }

  async #keyringCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (LocalAgentError.isInstance(error)) throw error;
      throw new KeyringUnavailableError({
        message: `The OS keyring failed: ${(error as Error).message}`,
        cause: error,
      });
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
   * The stored key (keyring first, then file); `undefined` when neither has one. Throws
   * KeyringUnavailableError rather than answer `undefined` when the keyring could not be read.
   */
  async #stored(provider: string): Promise<Stored | undefined> {
    const { keyring, unreadable } = await this.#usableKeyring();
    if (keyring !== undefined) {
      const key = await this.#keyringCall(() => keyring.get(KEYRING_SERVICE, provider));
      if (key !== undefined) return { key, source: 'keyring' };
    }
    if (this.#o.storage !== 'keyring' && (await this.#file.exists())) {
      const entry = (await this.#file.read())?.keys[provider];
      if (entry !== undefined)
        return { key: entry.key, source: 'file', updatedAt: entry.updatedAt };
    }
    if (unreadable !== undefined) throw unusableKeyring(unreadable);
    return undefined;
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
    if (mode === 'live')
      await checkKeyLive({
        provider: info,
        key: normalized,
        env: this.#o.env,
        fetch: this.#o.fetch,
      });
    return normalized;
  }

  /** Writes `key` to the active backend and removes the provider from every other one. */
  async #write(provider: string, key: string): Promise<'keyring' | 'file'> {
    const target = await this.#writeTarget();
    const now = this.#o.now().toISOString();
    if (target.target === 'keyring') {
      // a key in the keyring never also lives in the file, and removing it from a file left by an
      // earlier fallback needs the master password: open the file first, so that a missing or wrong
      // password fails the call before anything is written, rather than after the keyring was
      if (await this.#file.exists()) await this.#file.read();
      await this.#keyringCall(() => target.backend.set(KEYRING_SERVICE, provider, key));
      if (await this.#file.exists()) await this.#removeFromFile(provider);
      return 'keyring';
    }
    await this.#file.update((data) => {
      const createdAt = data.keys[provider]?.createdAt ?? now;
      data.keys[provider] = { key, createdAt, updatedAt: now };
      return { result: undefined, write: true };
    });
    return 'file';
  }

  async #removeFromFile(provider: string): Promise<boolean> {
    return this.#file.update((data) => {
      if (!Object.prototype.hasOwnProperty.call(data.keys, provider))
        return { result: false, write: false };
      delete data.keys[provider];
      return { result: true, write: true };
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

  /** Validates (default `format`) and stores a key; resolves `true`. Nothing is stored when validation fails. */
  async storeKey(provider: string, key: string, options: StoreKeyOptions = {}): Promise<boolean> {
    const info = this.#checked('store', provider);
    return this.#audited('store', info.name, async () => {
      const normalized = await this.#validated(info, key, options.validate);
      const backend = await this.#write(info.name, normalized);
      registerSecret(normalized);
      this.#warnIfShadowed(info);
      return { result: true, event: { backend, fingerprint: fingerprint(info, normalized) } };
    });
  }

  /** The key in effect (env, then keyring, then file), or `undefined`. */
  async retrieveKey(provider: string): Promise<string | undefined> {
    const info = this.#checked('retrieve', provider);
    const fromEnv = this.#envKey(info);
    if (fromEnv !== undefined) {
      // the environment's key is not ours: nothing stored was read, so nothing is audited
      registerSecret(fromEnv);
      return fromEnv;
    }
    try {
      return await this.#audited('retrieve', info.name, async () => {
        const stored = await this.#stored(info.name);
        if (stored === undefined)
          throw new KeyNotFoundError({
            message: `No ${info.displayName} key is stored.`,
            provider: info.name,
          });
        registerSecret(stored.key);
        return {
          result: stored.key,
          event: { backend: stored.source, fingerprint: fingerprint(info, stored.key) },
        };
      });
    } catch (error) {
      if (KeyNotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Validates the new key first, replaces the stored one, and removes the old one from every backend. */
  async rotateKey(
    provider: string,
    newKey: string,
    options: StoreKeyOptions = {},
  ): Promise<boolean> {
    const info = this.#checked('rotate', provider);
    return this.#audited('rotate', info.name, async () => {
      const normalized = await this.#validated(info, newKey, options.validate);
      if ((await this.#stored(info.name)) === undefined) {
        throw new KeyNotFoundError({
          message: `No ${info.displayName} key is stored, so there is none to rotate.`,
          provider: info.name,
        });
      }
      const backend = await this.#write(info.name, normalized);
      registerSecret(normalized);
      this.#warnIfShadowed(info);
      return { result: true, event: { backend, fingerprint: fingerprint(info, normalized) } };
    });
  }

  /** Removes the provider's key from every backend; `false` when none held one. Env variables are not ours to remove. */
  async deleteKey(provider: string): Promise<boolean> {
    const info = this.#checked('delete', provider);
    return this.#audited('delete', info.name, async () => {
      const removedFrom: string[] = [];
      const { keyring, unreadable } = await this.#usableKeyring();
      if (
        keyring !== undefined &&
        (await this.#keyringCall(() => keyring.delete(KEYRING_SERVICE, info.name)))
      )
        removedFrom.push('keyring');
      if (
        this.#o.storage !== 'keyring' &&
        (await this.#file.exists()) &&
        (await this.#removeFromFile(info.name))
      )
        removedFrom.push('file');
      // the keyring could not be read: "there was no key" is unknown, not false
      if (removedFrom.length === 0 && unreadable !== undefined) throw unusableKeyring(unreadable);
      return {
        result: removedFrom.length > 0,
        event:
          removedFrom.length > 0
            ? { backend: removedFrom.join('+') }
            : { backend: 'none', outcome: 'not_found' },
      };
    });
  }

  /** Every key the manager can see, one entry per provider and source; `active` marks the one in effect. */
  async listKeys(): Promise<KeyInfo[]> {
    this.#checked('list');
    return this.#audited('list', undefined, async () => {
      const entries: Array<Omit<KeyInfo, 'active'>> = [];
      const names = new Set([...Object.keys(PROVIDERS), ...Object.keys(this.#o.config.providers)]);
      for (const name of names) {
        const info = this.#provider(name);
        const key = this.#envKey(info);
        if (key !== undefined)
          entries.push({ provider: name, source: 'env', fingerprint: fingerprint(info, key) });
      }
      const { keyring } = await this.#usableKeyring();
      if (keyring !== undefined) {
        for (const account of await this.#keyringCall(() => keyring.list(KEYRING_SERVICE))) {
          const key = await this.#keyringCall(() => keyring.get(KEYRING_SERVICE, account));
          if (key !== undefined)
            entries.push({
              provider: account,
              source: 'keyring',
              fingerprint: this.#fingerprintFor(account, key),
            });
        }
      }
      // one read of the file (read() is undefined when there is none)
      const data = this.#o.storage === 'keyring' ? undefined : await this.#file.read();
      for (const [name, entry] of Object.entries(data?.keys ?? {})) {
        entries.push({
          provider: name,
          source: 'file',
          fingerprint: this.#fingerprintFor(name, entry.key),
          updatedAt: entry.updatedAt,
        });
      }
      const rank: Record<KeySource, number> = { env: 0, keyring: 1, file: 2 };
      entries.sort(
        (a, b) => a.provider.localeCompare(b.provider) || rank[a.source] - rank[b.source],
      );
      const seen = new Set<string>();
      const result = entries.map((entry) => {
        const active = !seen.has(entry.provider);
        seen.add(entry.provider);
        return { ...entry, active };
      });
      return { result, event: {} };
    });
  }

  #fingerprintFor(name: string, key: string): string {
    try {
      return fingerprint(this.#provider(name), key);
    } catch {
      return fingerprint(resolveProvider('custom'), key);
    }
  }

  /** Which backend is active and why, file locations and permissions: what `localagent doctor` prints. Never throws for an unusable keyring. */
  async status(): Promise<SecurityStatus> {
    const { backend, probe } = await this.#keyringState();
    const activeBackend =
      backend !== undefined ? 'keyring' : this.#o.storage === 'keyring' ? 'none' : 'file';
    return {
      storage: this.#o.storage,
      activeBackend,
      keyring: probe,
      configDir: await describePath(this.#o.configDir, DIR_MODE),
      keyFile: await describePath(this.#o.keyFilePath, FILE_MODE),
      auditLog: { path: this.#o.auditLogPath, enabled: this.#audit !== undefined },
      kdf: this.#o.encryption.params,
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
      const copy =
        typeof newPassword === 'string'
          ? Buffer.from(newPassword, 'utf8')
          : Buffer.from(newPassword);
      const next = new EncryptionSession(this.#o.encryption, () => Promise.resolve(copy));
      let changed = false;
      try {
        changed = await this.#file.rekey(next);
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

  /** Wipes the master password and derived keys held in memory. The manager cannot be used afterwards. */
  close(): void {
    this.#closed = true;
    this.#file.close();
    // the drivers run in a helper process; stop it rather than leave it to exit with us
    (this.#ownedBackend as { close?: () => void } | undefined)?.close?.();
  }
}
