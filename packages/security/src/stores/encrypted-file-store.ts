import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { StorageError } from '@localagent/errors';
import type { EncryptionSession } from '../encryption-service.js';
import { acquireLock } from '../file-lock.js';
import type { SecurityLogger } from '../logger.js';
import { DIR_MODE, FILE_MODE, securePath } from '../permissions.js';

export interface StoredKey {
  key: string;
  createdAt: string;
  updatedAt: string;
}

/** The plaintext inside the envelope: provider names are encrypted too. */
export interface StoreData {
  version: 1;
  keys: Record<string, StoredKey>;
}

export interface FileStoreOptions {
  path: string;
  session: EncryptionSession;
  logger: SecurityLogger;
  /** A lock whose holder has not refreshed it for this long is stale (default 10 s, minimum 2 s). */
  lockStaleMs?: number | undefined;
}

export interface Mutation<T> {
  result: T;
  /** False leaves the file as it is (nothing changed). */
  write: boolean;
}

// null-prototype records: a provider named `constructor` must not find Object.prototype's
const emptyStore = (): StoreData => ({
  version: 1,
  keys: Object.create(null) as Record<string, StoredKey>,
});

/**
 * The encrypted key file. Reads take no lock (the file is only ever replaced by rename, so a
 * reader sees the old or the new file); every read-modify-write happens entirely inside an
 * inter-process lock, so concurrent processes never lose each other's updates.
 */
export class EncryptedFileStore {
  readonly path: string;
  #session: EncryptionSession;
  readonly #logger: SecurityLogger;
  readonly #staleMs: number;
  #checked = false;

  constructor(options: FileStoreOptions) {
    this.path = options.path;
    this.#session = options.session;
    this.#logger = options.logger;
    this.#staleMs = Math.max(options.lockStaleMs ?? 10_000, 2_000);
  }

  async #rawFile(): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageError({
        message: `Cannot read ${this.path}.`,
        cause: error,
        details: { path: this.path },
      });
    }
  }

  async #checkPermissions(): Promise<void> {
    if (this.#checked) return;
    await securePath(dirname(this.path), DIR_MODE, this.#logger);
    await securePath(this.path, FILE_MODE, this.#logger);
    this.#checked = true;
  }

  async exists(): Promise<boolean> {
    return (await this.#rawFile()) !== undefined;
  }

  /** The decrypted content, or `undefined` when there is no file. */
  async read(): Promise<StoreData | undefined> {
    const raw = await this.#rawFile();
    if (raw === undefined) return undefined;
    await this.#checkPermissions();
    return this.#decode(raw);
  }

  async #decode(raw: Buffer): Promise<StoreData> {
    const plaintext = await this.#session.open(raw);
    try {
      const parsed = JSON.parse(plaintext.toString('utf8')) as Partial<StoreData>;
      if (parsed.version !== 1 || typeof parsed.keys !== 'object' || parsed.keys === null)
        throw new Error('unexpected structure');
      return {
        version: 1,
        keys: Object.assign(Object.create(null) as Record<string, StoredKey>, parsed.keys),
      };
    } catch (cause) {
      throw new StorageError({
        message: `The decrypted content of ${this.path} is not a key store.`,
        cause,
        details: { path: this.path },
      });
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * Locks the file, reads it, applies `mutate` and writes the result atomically (temp file,
   * fsync, rename) before unlocking. Never proceeds without the lock.
   */
  async update<T>(mutate: (data: StoreData) => Mutation<T>): Promise<T> {
    return this.#locked(mutate, undefined);
  }

  /**
   * Re-encrypts the whole file for another session (a new master password, a fresh salt), under the
   * lock, and adopts that session; the old one is wiped. Resolves false when there is no file.
   */
  async rekey(next: EncryptionSession): Promise<boolean> {
    if (!(await this.exists())) return false;
    await this.#locked(() => ({ result: undefined, write: true }), next);
    return true;
  }

  /** The session's key material is wiped; the store cannot decrypt afterwards. */
  close(): void {
    this.#session.close();
  }

  async #locked<T>(
    mutate: (data: StoreData) => Mutation<T>,
    next: EncryptionSession | undefined,
  ): Promise<T> {
    const dir = dirname(this.path);
    try {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
    } catch (cause) {
      throw new StorageError({
        message: `Cannot create the config directory ${dir}.`,
        cause,
        details: { path: dir },
      });
    }
    await this.#checkPermissions();
    // the key derivation is the slow part: do it before taking the lock, so 20 processes do not
    // queue behind each other's derivations
    await this.#session
      .prepare(await this.#rawFile().catch(() => undefined))
      .catch(() => undefined);

    const lockPath = `${this.path}.lock`;
    // 3× the stale age: enough to outwait a lock that only its age can free (its owner on another host,
    // or its pid reused); a live holder releases within milliseconds, a dead local one is taken over at once
    const lock = await acquireLock(lockPath, this.#staleMs * 3, this.#staleMs);
    try {
      await this.#removeOrphanedTempFiles();
      const raw = await this.#rawFile();
      const data = raw === undefined ? emptyStore() : await this.#decode(raw);
      const { result, write } = mutate(data);
      if (write || next !== undefined || (raw !== undefined && this.#session.isOutdated(raw))) {
        const plaintext = Buffer.from(JSON.stringify(data), 'utf8');
        try {
          const sealed = await (next ?? this.#session).seal(plaintext);
          if (!(await lock.isHeld())) {
            throw new StorageError({
              message: `Lost the lock on ${this.path} before writing; nothing was written.`,
              details: { path: lockPath, reasonCode: 'lock_lost' },
              suggestion:
                'Retry. The lock file was removed, or taken over as stale after this process was paused (a suspended machine) beyond the stale time.',
            });
          }
          await writeFileAtomic(this.path, sealed, { mode: FILE_MODE, fsync: true });
        } finally {
          plaintext.fill(0);
        }
        if (next !== undefined) {
          this.#session.close();
          this.#session = next;
        }
      }
      return result;
    } finally {
      lock.release();
    }
  }

  /** Temp files of writers killed mid-write (they hold encrypted bytes only). Called under the lock. */
  async #removeOrphanedTempFiles(): Promise<void> {
    const dir = dirname(this.path);
    const name = basename(this.path);
    const entries = await readdir(dir).catch(() => [] as string[]);
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from our own file name, escaped
    const orphan = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
    await Promise.all(
      entries.filter((e) => orphan.test(e)).map((e) => unlink(join(dir, e)).catch(() => undefined)),
    );
  }
}
