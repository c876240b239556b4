import { open, readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { StorageError } from '@localagent/errors';
import type { EncryptionSession } from '../encryption-service.js';
import { acquireLock } from '../file-lock.js';
import type { SecurityLogger } from '../logger.js';
import { createPrivateDir, DIR_MODE, FILE_MODE, securePath } from '../permissions.js';
import { decodeStoreData, emptyStoreData, type StoreData, type StoredKey } from '../store-data.js';
import type { KeyStore, StoreEntry, StoreListing, StoreProbe } from './key-store.js';

/**
 * The largest key file read: keys are at most 2,048 characters, so 1 MiB holds hundreds of them; a
 * bigger file is not ours (or was tampered with) and is refused before it is read into memory.
 */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

export type { StoreData, StoredKey };

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

const cannotRead = (path: string, cause: unknown): StorageError =>
  new StorageError({ message: `Cannot read ${path}.`, cause, details: { path } });

const lockLost = (path: string, lockPath: string): StorageError =>
  new StorageError({
    message: `Lost the lock on ${path} before writing; nothing was written.`,
    details: { path: lockPath, reasonCode: 'lock_lost' },
    suggestion:
      'Retry. The lock file was removed, or taken over as stale after this process was paused (a suspended machine) beyond the stale time.',
  });

/**
 * The encrypted key file. Reads take no lock (the file is only ever replaced by rename, so a
 * reader sees the old or the new file); every read-modify-write happens entirely inside an
 * inter-process lock, so concurrent processes never lose each other's updates.
 */
export class EncryptedFileStore implements KeyStore {
  readonly name = 'file';
  readonly path: string;
  #session: EncryptionSession;
  readonly #logger: SecurityLogger;
  readonly #staleMs: number;

  constructor(options: FileStoreOptions) {
    this.path = options.path;
    this.#session = options.session;
    this.#logger = options.logger;
    this.#staleMs = Math.max(options.lockStaleMs ?? 10_000, 2_000);
  }

  get description(): string {
    return `the encrypted file ${this.path}`;
  }

  /** The file's bytes, `undefined` when there is none; a file over MAX_KEY_FILE_BYTES is refused unread. */
  async #rawFile(): Promise<Buffer | undefined> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw cannotRead(this.path, error);
    }
    try {
      const { size, isFile } = await handle.stat().then((s) => ({
        size: s.size,
        isFile: s.isFile(),
      }));
      if (!isFile || size > MAX_KEY_FILE_BYTES) {
        throw new StorageError({
          message: isFile
            ? `${this.path} is ${size} bytes, more than a key file can be (${MAX_KEY_FILE_BYTES} bytes); it was not read.`
            : `${this.path} is not a regular file; it was not read.`,
          details: { path: this.path, reasonCode: isFile ? 'too_large' : 'not_a_file', size },
          suggestion:
            'Move the file aside (it is not a LocalAgent key file) and store your keys again, or restore it from a backup.',
        });
      }
      // read at most one byte beyond the cap: a file growing while read is still bounded
      const buffer = Buffer.alloc(Math.min(size, MAX_KEY_FILE_BYTES) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) break;
      }
      if (length > MAX_KEY_FILE_BYTES)
        throw new StorageError({
          message: `${this.path} grew beyond ${MAX_KEY_FILE_BYTES} bytes while it was read; it was not used.`,
          details: { path: this.path, reasonCode: 'too_large' },
        });
      return buffer.subarray(0, length);
    } catch (error) {
      if (StorageError.isInstance(error)) throw error;
      throw cannotRead(this.path, error);
    } finally {
      await handle.close();
    }
  }

  probe(): Promise<StoreProbe> {
    return Promise.resolve({ state: 'usable' });
  }

  async get(provider: string): Promise<StoreEntry | undefined> {
    const entry = (await this.read())?.keys[provider];
    return entry === undefined ? undefined : { key: entry.key, updatedAt: entry.updatedAt };
  }

  async set(provider: string, key: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.update((data) => {
      const createdAt = data.keys[provider]?.createdAt ?? at;
      data.keys[provider] = { key, createdAt, updatedAt: at };
      return { result: undefined, write: true };
    });
  }

  /** Removes the provider's key; the file itself goes with its last key. */
  async delete(provider: string): Promise<boolean> {
    if (!(await this.exists())) return false;
    return this.update((data) => {
      if (!Object.prototype.hasOwnProperty.call(data.keys, provider))
        return { result: false, write: false };
      delete data.keys[provider];
      return { result: true, write: true };
    });
  }

  async list(): Promise<StoreListing[]> {
    const data = await this.read();
    return Object.entries(data?.keys ?? {}).map(([provider, entry]) => ({
      provider,
      key: entry.key,
      updatedAt: entry.updatedAt,
    }));
  }

  /** No file holds nothing; a file's content is unknown without its password. */
  async mayHold(): Promise<boolean | undefined> {
    return (await this.exists()) ? undefined : false;
  }

  /**
   * At every read and write, not once per store: a long-lived process must not write through a
   * keys.enc swapped for a symlink after it started (write-file-atomic follows symlinks). Two lstat calls.
   */
  async #checkPermissions(): Promise<void> {
    await securePath(dirname(this.path), DIR_MODE, this.#logger);
    await securePath(this.path, FILE_MODE, this.#logger);
  }

  /** Whether there is a key file (a stat: nothing is read). */
  async exists(): Promise<boolean> {
    try {
      await stat(this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw cannotRead(this.path, error);
    }
  }

  /** The decrypted content, or `undefined` when there is no file. */
  async read(): Promise<StoreData | undefined> {
    await this.#checkPermissions(); // before opening: open() would follow a symlink
    const raw = await this.#rawFile();
    if (raw === undefined) return undefined;
    return this.#decode(raw);
  }

  async #decode(raw: Buffer): Promise<StoreData> {
    const plaintext = await this.#session.open(raw);
    try {
      return decodeStoreData(plaintext, this.path);
    } finally {
      plaintext.fill(0);
    }
  }

  /** The derived key that opens the file now, and its id, for the unlock agent (a copy the caller wipes); `undefined` without a file. */
  async unlockMaterial(
    session: EncryptionSession = this.#session,
  ): Promise<{ id: string; key: Buffer } | undefined> {
    await this.#checkPermissions();
    const raw = await this.#rawFile();
    if (raw === undefined) return undefined;
    return session.unlockMaterial(raw);
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
    // the file may have gone (its last key deleted) between the check and the lock: then nothing was re-encrypted
    return this.#locked((_data, existed) => ({ result: existed, write: true }), next);
  }

  /** The session's key material is wiped; the store cannot decrypt afterwards. */
  close(): void {
    this.#session.close();
  }

  async #locked<T>(
    mutate: (data: StoreData, existed: boolean) => Mutation<T>,
    next: EncryptionSession | undefined,
  ): Promise<T> {
    await createPrivateDir(dirname(this.path));
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
      const data = raw === undefined ? emptyStoreData() : await this.#decode(raw);
      const { result, write } = mutate(data, raw !== undefined);
      if (raw !== undefined && next === undefined && Object.keys(data.keys).length === 0) {
        // the last key went: no file is left behind to ask for a password nobody needs
        if (!(await lock.isHeld())) throw lockLost(this.path, lockPath);
        await unlink(this.path).catch((cause: NodeJS.ErrnoException) => {
          if (cause.code !== 'ENOENT')
            throw new StorageError({
              message: `Cannot remove the empty key file ${this.path}.`,
              cause,
              details: { path: this.path },
            });
        });
        return result;
      }
      if (raw === undefined && Object.keys(data.keys).length === 0) return result;
      // a new file gets a password that meets the policy; existing files keep opening with theirs
      if (raw === undefined && next === undefined) await this.#session.checkNewPassword();
      if (write || next !== undefined || (raw !== undefined && this.#session.isOutdated(raw))) {
        const plaintext = Buffer.from(JSON.stringify(data), 'utf8');
        try {
          const sealed = await (next ?? this.#session).seal(plaintext);
          if (!(await lock.isHeld())) throw lockLost(this.path, lockPath);
          // again, right before the write: the key derivation above can take seconds
          await this.#checkPermissions();
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
