import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '@localagent/errors';
import { EncryptionService, EncryptionSession } from '../src/encryption-service';
import { EncryptedFileStore } from '../src/stores/encrypted-file-store';
import { acquireLock } from '../src/file-lock';
import { SecureKeyManager } from '../src/secure-key-manager';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from './support/fixtures';

const STAMP = '2026-01-01T00:00:00.000Z';

// The key file's lock (keys.enc.lock, src/file-lock.ts) as SecureKeyManager and EncryptedFileStore use it.
describe('the key file lock', () => {
  let dir: string;
  let path: string;
  let lockPath: string;
  const opened: SecureKeyManager[] = [];
  beforeEach(() => {
    dir = tempDir('la-key-lock-');
    path = join(dir, 'keys.enc');
    lockPath = `${path}.lock`;
  });
  afterEach(() => {
    for (const m of opened.splice(0)) m.close();
    removeDir(dir);
  });

  async function manager(lockStaleMs: number): Promise<SecureKeyManager> {
    const m = await SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      env: {},
      masterPassword: 'pass phrase 12+',
      logger: captureLogger(),
      audit: false,
      lockStaleMs,
      ...FAST,
    });
    opened.push(m);
    return m;
  }

  it('is taken over when proper-lockfile (versions before this one) left its keys.enc.lock directory behind', async () => {
    const m = await manager(2_000);
    await m.storeKey('openai', fakeKeys.openai());
    mkdirSync(lockPath); // a process of an older version, killed while holding the lock
    const past = new Date(Date.now() - 60_000);
    utimesSync(lockPath, past, past);
    await m.storeKey('groq', fakeKeys.groq());
    expect(existsSync(lockPath)).toBe(false);
    await expect(m.listKeys()).resolves.toHaveLength(2);
  });

  it('waits for a fresh lock directory until it is lockStaleMs old (its holder no longer refreshes it), then writes', async () => {
    const m = await manager(2_000);
    mkdirSync(lockPath);
    const started = Date.now();
    await m.storeKey('openai', fakeKeys.openai());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    await expect(m.listKeys()).resolves.toHaveLength(1);
  }, 20_000);

  it('gives up after 3× lockStaleMs on a lock its live holder keeps fresh: a StorageError naming the lock, nothing written', async () => {
    const m = await manager(2_000);
    const holder = await acquireLock(lockPath, 1_000, 2_000);
    const started = Date.now();
    const error = await m.storeKey('openai', fakeKeys.openai()).catch((e: unknown) => e);
    holder.release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'LA_STORAGE_FAILED',
      details: { path: lockPath, reasonCode: 'lock_timeout' },
    });
    expect((error as StorageError).message).toContain(lockPath);
    expect(existsSync(path)).toBe(false);
  }, 20_000);

  it('writes nothing when its lock was taken over before the write', async () => {
    const session = new EncryptionSession(
      new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } }),
      async () => 'pass phrase 12+',
    );
    const store = new EncryptedFileStore({ path, session, logger: captureLogger() });
    await store.update((data) => {
      data.keys['a'] = { key: 'k', createdAt: STAMP, updatedAt: STAMP };
      return { result: undefined, write: true };
    });
    const before = readFileSync(path);
    const theirs = `${process.ppid}:theirs:${hostname()}`;
    const error = await store
      .update((data) => {
        writeFileSync(lockPath, theirs); // another process judged our lock stale and took it over
        data.keys['b'] = { key: 'k', createdAt: STAMP, updatedAt: STAMP };
        return { result: undefined, write: true };
      })
      .catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      message: `Lost the lock on ${path} before writing; nothing was written.`,
      details: { reasonCode: 'lock_lost' },
    });
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readFileSync(lockPath, 'utf8')).toBe(theirs); // their lock stays
    store.close();
  });
});
