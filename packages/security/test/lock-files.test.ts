import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '@localagent/errors';
import { SecureKeyManager } from '../src/secure-key-manager';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from './support/fixtures';

// Issue 15, finding 7: a keys.enc.lock that our lock code did not write (a symlink, a garbage file)
// failed every write after the whole wait (~46 s). With the default lockStaleMs (10 s) a write waits
// up to 30 s for a live holder; these must be refused or resolved long before that.
const WELL_BEFORE_THE_TIMEOUT_MS = 5_000;

function deadPid(): string {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
}

describe('keys.enc.lock holding something our lock code did not write', () => {
  let dir: string;
  let path: string;
  let lockPath: string;
  let m: SecureKeyManager;
  beforeEach(async () => {
    dir = tempDir('la-lock-files-');
    path = join(dir, 'keys.enc');
    lockPath = `${path}.lock`;
    m = await SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      env: {},
      masterPassword: 'pass phrase 12+',
      logger: captureLogger(),
      audit: false,
      ...FAST,
    });
    await m.storeKey('openai', fakeKeys.openai());
  });
  afterEach(() => {
    m.close();
    removeDir(dir);
  });

  async function refusedWrite(): Promise<StorageError> {
    const before = readFileSync(path);
    const started = Date.now();
    const error = await m.storeKey('groq', fakeKeys.groq()).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(WELL_BEFORE_THE_TIMEOUT_MS);
    if (!StorageError.isInstance(error))
      throw new Error(`expected a StorageError, got ${String(error)}`);
    expect(readFileSync(path).equals(before)).toBe(true); // keys.enc unchanged
    return error;
  }

  it('a symlink: refused at once, neither followed nor removed, with the command that removes it', async () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, `${deadPid()}:0123456789abcdef:${hostname()}`); // followed, it would look stale
    symlinkSync(target, lockPath);
    const error = await refusedWrite();
    expect(error).toMatchObject({
      code: 'LA_STORAGE_FAILED',
      details: { path: lockPath, reasonCode: 'lock_symlink' },
    });
    expect(error.suggestion).toContain(`remove it: rm ${lockPath}`);
    expect(lstatSync(lockPath).isSymbolicLink()).toBe(true);
    expect(existsSync(target)).toBe(true);
    await expect(m.listKeys()).resolves.toHaveLength(1);
  });

  it('a dangling symlink: refused at once', async () => {
    symlinkSync(join(dir, 'nowhere'), lockPath);
    expect((await refusedWrite()).details).toEqual({ path: lockPath, reasonCode: 'lock_symlink' });
  });

  it('a regular file that holds no owner record: refused at once, left in place', async () => {
    writeFileSync(lockPath, 'not a lock\n');
    const error = await refusedWrite();
    expect(error.details).toEqual({ path: lockPath, reasonCode: 'lock_malformed' });
    expect(error.suggestion).toContain(`remove it: rm ${lockPath}`);
    expect(readFileSync(lockPath, 'utf8')).toBe('not a lock\n');
  });

  it('the lock of a process gone from this host: taken over at once, and the key written', async () => {
    writeFileSync(lockPath, `${deadPid()}:0123456789abcdef:${hostname()}`);
    const started = Date.now();
    await m.storeKey('groq', fakeKeys.groq());
    expect(Date.now() - started).toBeLessThan(WELL_BEFORE_THE_TIMEOUT_MS);
    expect(existsSync(lockPath)).toBe(false);
    await expect(m.listKeys()).resolves.toHaveLength(2);
  });
});
