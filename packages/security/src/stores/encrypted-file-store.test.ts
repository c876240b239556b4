import {
  chmodSync,
  truncateSync,
  chownSync,
  readFileSync,
  statSync,
  writeFileSync,
  existsSync,
  readdirSync,
  mkdirSync,
  renameSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { DecryptionError, StorageError } from '@localagent/errors';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from '../../test/support/fixtures';
import { EncryptionService, EncryptionSession } from '../encryption-service';
import { parseEnvelope } from '../envelope';
import { EncryptedFileStore } from './encrypted-file-store';
import { SecureKeyManager } from '../secure-key-manager';
import { securePath } from '../permissions';
import type { SecureKeyManagerOptions } from '../resolve-options';

const STAMP = '2026-01-01T00:00:00.000Z';

describe('the encrypted key file', () => {
  let dir: string;
  let path: string;
  const opened: SecureKeyManager[] = [];
  beforeEach(() => {
    dir = tempDir('la-file-');
    path = join(dir, 'keys.enc');
  });
  afterEach(() => {
    for (const m of opened.splice(0)) m.close();
    removeDir(dir);
  });

  async function manager(options: SecureKeyManagerOptions = {}): Promise<SecureKeyManager> {
    const m = await SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      env: {},
      masterPassword: 'pass phrase 12+',
      logger: captureLogger(),
      ...FAST,
      ...options,
    });
    opened.push(m);
    return m;
  }

  async function storedFile(): Promise<Buffer> {
    const m = await manager();
    await m.storeKey('openai', fakeKeys.openai());
    await m.storeKey('groq', fakeKeys.groq());
    return readFileSync(path);
  }

  it('is one file, mode 0600 in a 0700 directory, with provider names encrypted too', async () => {
    const nested = join(dir, 'a', 'b');
    const m = await manager({ configDir: nested });
    await m.storeKey('openai', fakeKeys.openai());
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    expect(statSync(join(nested, 'keys.enc')).mode & 0o777).toBe(0o600);
    expect(readdirSync(nested).sort()).toEqual(['audit.log', 'keys.enc']);
    expect(readFileSync(join(nested, 'keys.enc')).includes('openai')).toBe(false);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, 30), StorageError],
    [
      'truncated inside the ciphertext',
      (b: Buffer) => b.subarray(0, b.length - 5),
      DecryptionError,
    ],
    [
      'bit-flipped',
      (b: Buffer) => Buffer.from(b.map((x, i) => (i === b.length - 30 ? x ^ 0x10 : x))),
      DecryptionError,
    ],
    ['garbled', () => Buffer.from('{"openai":"not encrypted"}'), StorageError],
    ['empty', () => Buffer.alloc(0), StorageError],
  ])(
    'a %s file fails with the right error and is left untouched',
    async (_label, damage, errorClass) => {
      const damaged = damage(await storedFile());
      writeFileSync(path, damaged);
      const before = statSync(path).mtimeMs;
      const m = await manager();
      for (const attempt of [
        () => m.retrieveKey('openai'),
        () => m.storeKey('gemini', fakeKeys.gemini()),
        () => m.deleteKey('openai'),
        () => m.listKeys(),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect((errorClass as typeof StorageError).isInstance(error)).toBe(true);
      }
      expect(readFileSync(path).equals(damaged)).toBe(true);
      expect(statSync(path).mtimeMs).toBe(before);
    },
  );

  it('a header swapped in from another key file fails with DecryptionError, file untouched', async () => {
    const mine = await storedFile();
    removeDir(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const other = await storedFile();
    const headerLength = parseEnvelope(mine).header.length;
    const swapped = Buffer.concat([other.subarray(0, headerLength), mine.subarray(headerLength)]);
    writeFileSync(path, swapped);
    await expect((await manager()).retrieveKey('openai')).rejects.toBeInstanceOf(DecryptionError);
    expect(readFileSync(path).equals(swapped)).toBe(true);
  });

  it('decrypted content that is not a key store is a StorageError', async () => {
    writeFileSync(
      path,
      await new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } }).encrypt(
        '[1,2]',
        'pass phrase 12+',
      ),
      { mode: 0o600 },
    );
    await expect((await manager()).retrieveKey('openai')).rejects.toThrow(/not a key store/);
  });

  it('repairs looser permissions with one warning per path (as ssh would complain)', async () => {
    await storedFile();
    chmodSync(path, 0o644);
    chmodSync(dir, 0o755);
    const logger = captureLogger();
    const m = await manager({ logger });
    expect((await m.status()).keyFile).toMatchObject({ mode: '0644', ok: false });
    await m.retrieveKey('openai');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[1]).toContain('mode 0644');
  });

  it('refuses, and never chmods, a shared (world-writable or sticky) config dir, the home dir, or a symlinked key file', async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    await expect(
      (await manager({ configDir: shared })).storeKey('openai', fakeKeys.openai()),
    ).rejects.toMatchObject({ code: 'LA_FILE_PERMISSIONS' });
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(readdirSync(shared)).not.toContain('keys.enc'); // only the audit line of the refusal

    const home = join(dir, 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    await expect(securePath(home, 0o700, captureLogger(), { home })).rejects.toThrow(
      /shared or home directory/,
    );
    expect(statSync(home).mode & 0o777).toBe(0o755);

    await storedFile();
    const real = join(dir, 'real.enc');
    renameSync(path, real);
    symlinkSync(real, path);
    await expect((await manager()).retrieveKey('openai')).rejects.toThrow(/symbolic link/);

    const linkedDir = join(dir, 'linked');
    symlinkSync(dir, linkedDir);
    await expect(securePath(linkedDir, 0o700, captureLogger())).resolves.toBeUndefined();
  });

  const onPosix = process.platform === 'win32' ? it.skip : it;
  onPosix(
    'checks at every read and write: a keys.enc swapped for a symlink mid-life is refused',
    async () => {
      const m = await manager(); // one long-lived manager, as in a server process
      await m.storeKey('openai', fakeKeys.openai());
      // the file moved elsewhere (e.g. where the attacker wants the write to land), a symlink in its place
      const target = join(dir, 'elsewhere.enc');
      renameSync(path, target);
      symlinkSync(target, path);
      const before = readFileSync(target);
      await expect(m.storeKey('groq', fakeKeys.groq())).rejects.toMatchObject({
        code: 'LA_FILE_PERMISSIONS',
      });
      await expect(m.retrieveKey('openai')).rejects.toMatchObject({ code: 'LA_FILE_PERMISSIONS' });
      expect(readFileSync(target).equals(before)).toBe(true);
    },
  );

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('refuses a key file owned by another user (LA_FILE_PERMISSIONS)', async () => {
    await storedFile();
    chownSync(path, 4242, 4242);
    const error = await (await manager()).retrieveKey('openai').catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'LA_FILE_PERMISSIONS' });
  });

  it('re-encrypts a file written with older KDF parameters on the next write', async () => {
    await storedFile();
    expect(parseEnvelope(readFileSync(path)).params).toEqual({
      kdf: 'pbkdf2',
      iterations: 100_000,
    });
    const m = await manager({ encryption: { keyDerivation: 'PBKDF2', iterations: 120_000 } });
    await m.retrieveKey('openai');
    expect(parseEnvelope(readFileSync(path)).params).toEqual({
      kdf: 'pbkdf2',
      iterations: 100_000,
    });
    await m.storeKey('gemini', fakeKeys.gemini());
    expect(parseEnvelope(readFileSync(path)).params).toEqual({
      kdf: 'pbkdf2',
      iterations: 120_000,
    });
    await expect(m.listKeys()).resolves.toHaveLength(3);
  });

  it('removes temp files left by a writer that was killed, under the lock', async () => {
    await storedFile();
    writeFileSync(`${path}.123456789`, 'partial');
    writeFileSync(join(dir, 'keys.enc.backup'), 'kept');
    await (await manager()).storeKey('gemini', fakeKeys.gemini());
    expect(existsSync(`${path}.123456789`)).toBe(false);
    expect(existsSync(join(dir, 'keys.enc.backup'))).toBe(true);
  });

  it('reports a config dir it cannot create, and an unreadable file, as StorageError', async () => {
    writeFileSync(join(dir, 'file'), '');
    const session = new EncryptionSession(
      new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } }),
      async () => 'pass phrase 12+',
    );
    const blocked = new EncryptedFileStore({
      path: join(dir, 'file', 'sub', 'keys.enc'),
      session,
      logger: captureLogger(),
    });
    await expect(blocked.update(() => ({ result: 1, write: true }))).rejects.toThrow(
      /Cannot create the config directory/,
    );
    mkdirSync(path);
    const unreadable = new EncryptedFileStore({ path, session, logger: captureLogger() });
    await expect(unreadable.read()).rejects.toThrow(/not a regular file/);
    session.close();
  });

  it('derives the key once for many reads and writes in one process', async () => {
    const session = new EncryptionSession(
      new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } }),
      async () => 'pass phrase 12+',
    );
    const store = new EncryptedFileStore({ path, session, logger: captureLogger() });
    for (let i = 0; i < 5; i += 1) {
      await store.update((data) => {
        data.keys[`p${i}`] = { key: `k${i}`, createdAt: STAMP, updatedAt: STAMP };
        return { result: undefined, write: true };
      });
      await store.read();
    }
    expect(Object.keys((await store.read())?.keys ?? {})).toHaveLength(5);
    expect(session.derivations).toBe(1);
    store.close();
  });

  it('serialises concurrent updates inside one process', async () => {
    const m = await manager();
    await Promise.all(['a1', 'a2', 'a3', 'a4', 'a5'].map((p) => m.storeKey(p, fakeKeys.generic())));
    expect((await m.listKeys()).map((k) => k.provider)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('changes the master password: atomically, under the lock, with a fresh salt; the old password stops working', async () => {
    const before = await storedFile();
    const m = await manager();
    await expect(m.changeMasterPassword('new password')).resolves.toBe(true);
    const after = readFileSync(path);
    expect(parseEnvelope(after).salt.equals(parseEnvelope(before).salt)).toBe(false);
    await expect(m.listKeys()).resolves.toHaveLength(2); // the same manager goes on with the new password
    await m.storeKey('gemini', fakeKeys.gemini());
    await expect(
      (await manager({ masterPassword: 'pass phrase 12+' })).retrieveKey('groq'),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(
      (await manager({ masterPassword: 'new password' })).listKeys(),
    ).resolves.toHaveLength(3);
    const audit = readFileSync(join(dir, 'audit.log'), 'utf8');
    expect(audit).toContain('"action":"change_password","outcome":"success"');
    expect(audit).not.toContain('new password');
  });

  it('changes nothing with a wrong current password or an empty new one, and reports a missing file', async () => {
    const before = await storedFile();
    const wrong = await manager({ masterPassword: 'not the pass phrase' });
    await expect(
      wrong.changeMasterPassword(Buffer.from('a new pass phrase')),
    ).rejects.toBeInstanceOf(DecryptionError);
    expect(readFileSync(path).equals(before)).toBe(true);
    await expect(wrong.changeMasterPassword('')).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
    });
    // a new password under 12 characters is refused before anything is read
    await expect(wrong.changeMasterPassword('short')).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_WEAK',
    });
    expect(readFileSync(path).equals(before)).toBe(true);
    const empty = await manager({ configDir: join(dir, 'empty') });
    await expect(empty.changeMasterPassword('a new pass phrase')).resolves.toBe(false);
  });

  it('refuses a key file over 1 MiB before reading it, and one that is not a regular file (finding 8)', async () => {
    const m = await manager();
    // sparse: 2 MiB on paper, nothing allocated; the old code read all of it (a 1 GiB file took 3.2 GB)
    writeFileSync(path, '');
    truncateSync(path, 2 * 1024 * 1024);
    const error = await m.retrieveKey('openai').catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ details: { reasonCode: 'too_large' } });
    expect((error as Error).message).toContain('more than a key file can be (1048576 bytes)');
    await expect(m.storeKey('openai', fakeKeys.openai())).rejects.toMatchObject({
      details: { reasonCode: 'too_large' },
    });
    expect(statSync(path).size).toBe(2 * 1024 * 1024);
  });
});
