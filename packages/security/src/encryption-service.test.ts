import { randomBytes } from 'node:crypto';
import { DecryptionError, StorageError } from '@localagent/errors';
import {
  EncryptionService,
  EncryptionSession,
  DEFAULT_PBKDF2_ITERATIONS,
} from './encryption-service';
import { encodeHeader, parseEnvelope, KDF_LIMITS } from './envelope';

const fast = new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } });

describe('EncryptionService', () => {
  it('defaults to PBKDF2-HMAC-SHA256 with 600,000 iterations, and scrypt N=2^17 r=8 p=1 as the alternative', () => {
    expect(new EncryptionService().params).toEqual({
      kdf: 'pbkdf2',
      iterations: DEFAULT_PBKDF2_ITERATIONS,
    });
    expect(DEFAULT_PBKDF2_ITERATIONS).toBe(600_000);
    expect(new EncryptionService({ kdf: 'scrypt' }).params).toEqual({
      kdf: 'scrypt',
      N: 2 ** 17,
      r: 8,
      p: 1,
    });
  });

  it('round-trips strings and Buffers, with a fresh nonce (different output) every time', async () => {
    const a = await fast.encrypt('hello ✓', 'pw');
    const b = await fast.encrypt(Buffer.from('hello ✓'), Buffer.from('pw'));
    expect(a.equals(b)).toBe(false);
    expect(parseEnvelope(a).nonce.equals(parseEnvelope(b).nonce)).toBe(false);
    await expect(fast.decrypt(a, 'pw')).resolves.toBe('hello ✓');
    await expect(fast.decrypt(b, 'pw')).resolves.toBe('hello ✓');
  });

  it('round-trips with the default scrypt parameters (maxmem raised above Node’s 32 MiB default)', async () => {
    const scrypt = new EncryptionService({ kdf: 'scrypt' });
    const sealed = await scrypt.encrypt('secret', 'pw');
    expect(parseEnvelope(sealed).params).toEqual({ kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    await expect(fast.decrypt(sealed, 'pw')).resolves.toBe('secret');
  });

  it('reads parameters from the header, so files written with other parameters stay readable', async () => {
    const old = await fast.encrypt('old file', 'pw');
    await expect(new EncryptionService().decrypt(old, 'pw')).resolves.toBe('old file');
  });

  it('throws the same DecryptionError for a wrong password and for modified data', async () => {
    const sealed = await fast.encrypt('secret', 'pw');
    const wrong = await fast.decrypt(sealed, 'not-pw').catch((e: unknown) => e);
    expect(DecryptionError.isInstance(wrong)).toBe(true);
    for (const offset of [sealed.length - 1, sealed.length - 20, 25, 35]) {
      const flipped = Buffer.from(sealed);
      flipped[offset] = (flipped[offset] as number) ^ 0x01;
      const error = await fast.decrypt(flipped, 'pw').catch((e: unknown) => e);
      expect(DecryptionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe((wrong as Error).message);
    }
  });

  it('rejects a header swapped in from another envelope (salt and nonce are authenticated)', async () => {
    const a = await fast.encrypt('first', 'pw');
    const b = await fast.encrypt('second', 'pw');
    const headerLength = parseEnvelope(a).header.length;
    const swapped = Buffer.concat([b.subarray(0, headerLength), a.subarray(headerLength)]);
    await expect(fast.decrypt(swapped, 'pw')).rejects.toMatchObject({
      code: 'LA_DECRYPTION_FAILED',
    });
  });

  it('calls data that is not an envelope a StorageError (truncated, wrong magic, newer version, unknown KDF)', async () => {
    const sealed = await fast.encrypt('secret', 'pw');
    const version = Buffer.from(sealed);
    version[4] = 9;
    const kdf = Buffer.from(sealed);
    kdf[5] = 7;
    for (const data of [
      sealed.subarray(0, 10),
      sealed.subarray(0, 40),
      Buffer.from('plain text, not encrypted'),
      version,
      kdf,
    ]) {
      const error = await fast.decrypt(data, 'pw').catch((e: unknown) => e);
      expect(StorageError.isInstance(error)).toBe(true);
    }
    expect(() => parseEnvelope('x' as unknown as Buffer)).toThrow(/not binary/);
  });

  it('bounds KDF parameters read from a header, so a tampered file cannot hang or exhaust memory', async () => {
    const sealed = await fast.encrypt('secret', 'pw');
    const huge = Buffer.from(sealed);
    huge.writeUInt32BE(KDF_LIMITS.pbkdf2MaxIterations + 1, 6);
    await expect(fast.decrypt(huge, 'pw')).rejects.toMatchObject({ code: 'LA_DECRYPTION_FAILED' });
    const salt = parseEnvelope(sealed).salt;
    for (const p of [
      { N: 2 ** 21, r: 8, p: 1 },
      { N: 2 ** 17, r: 64, p: 1 },
      { N: 2 ** 17, r: 8, p: 99 },
      { N: 3000, r: 8, p: 1 },
      { N: 2 ** 20, r: 8, p: 1 },
    ]) {
      const header = encodeHeader({ kdf: 'scrypt', ...p }, salt, Buffer.alloc(12));
      const forged = Buffer.concat([header, Buffer.alloc(32)]);
      await expect(fast.decrypt(forged, 'pw')).rejects.toMatchObject({
        code: 'LA_DECRYPTION_FAILED',
      });
    }
    const oddSalt = Buffer.from(sealed);
    oddSalt[18] = 3;
    await expect(fast.decrypt(oddSalt, 'pw')).rejects.toMatchObject({
      code: 'LA_DECRYPTION_FAILED',
    });
    const reserved = Buffer.from(sealed);
    reserved.writeUInt32BE(1, 10);
    await expect(fast.decrypt(reserved, 'pw')).rejects.toMatchObject({
      code: 'LA_DECRYPTION_FAILED',
    });
  });

  it('derives off the event loop (crypto.pbkdf2/scrypt with callbacks): other work runs meanwhile', async () => {
    let ticks = 0;
    let running = true;
    const spin = (): void => {
      ticks += 1;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await new EncryptionService().deriveKey('pw', Buffer.alloc(16));
    running = false;
    expect(ticks).toBeGreaterThan(1);
  });

  it('derives deterministic 32-byte keys', async () => {
    const salt = Buffer.alloc(16, 1);
    const a = await fast.deriveKey('pw', salt);
    expect(a).toHaveLength(32);
    expect(a.equals(await fast.deriveKey(Buffer.from('pw'), salt))).toBe(true);
    expect(a.equals(await fast.deriveKey('pw', salt, { kdf: 'pbkdf2', iterations: 100_001 }))).toBe(
      false,
    );
  });

  it('refuses to write with weak or unbounded parameters', () => {
    expect(() => new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 1000 } })).toThrow(
      /iterations/,
    );
    expect(
      () => new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 1.5e5 + 0.5 } }),
    ).toThrow(/iterations/);
    expect(() => new EncryptionService({ kdf: { kdf: 'scrypt', N: 2 ** 10, r: 8, p: 1 } })).toThrow(
      /scrypt/,
    );
    expect(
      new EncryptionService({ kdf: { kdf: 'scrypt', N: 2 ** 14, r: 8, p: 1 } }).params.kdf,
    ).toBe('scrypt');
  });
});

describe('EncryptionSession', () => {
  it('derives once per process for many reads and writes, re-using the salt with a fresh nonce', async () => {
    let asked = 0;
    const session = new EncryptionSession(fast, async () => {
      asked += 1;
      return 'pw';
    });
    const first = await session.seal(Buffer.from('one'));
    const opened = await session.open(first);
    expect(opened.toString()).toBe('one');
    const second = await session.seal(Buffer.from('two'));
    await session.prepare(second);
    expect((await session.open(second)).toString()).toBe('two');
    expect(session.derivations).toBe(1);
    expect(asked).toBe(1);
    expect(parseEnvelope(first).salt.equals(parseEnvelope(second).salt)).toBe(true);
    expect(parseEnvelope(first).nonce.equals(parseEnvelope(second).nonce)).toBe(false);
    await session.prepare(undefined);
    expect(session.derivations).toBe(1);
  });

  it('re-encrypts a file written with older parameters with a fresh salt and the current ones', async () => {
    const old = await fast.encrypt('data', 'pw');
    const current = new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 150_000 } });
    const session = new EncryptionSession(current, async () => 'pw');
    expect(session.isOutdated(old)).toBe(true);
    const plaintext = await session.open(old);
    const upgraded = await session.seal(plaintext);
    expect(parseEnvelope(upgraded).params).toEqual({ kdf: 'pbkdf2', iterations: 150_000 });
    expect(parseEnvelope(upgraded).salt.equals(parseEnvelope(old).salt)).toBe(false);
    expect(session.isOutdated(upgraded)).toBe(false);
    expect(session.derivations).toBe(2);
  });

  it('wipes the password and derived keys on close() and refuses further use', async () => {
    const password = Buffer.from('pw');
    const session = new EncryptionSession(fast, async () => password);
    const sealed = await session.seal(Buffer.from('x'));
    session.close();
    expect(password.toString()).toBe('pw'); // the caller's Buffer is theirs; ours was a copy
    await expect(session.open(sealed)).rejects.toThrow(/closed/);
  });
});

describe('memory wiping', () => {
  afterEach(() => jest.restoreAllMocks());

  it('wipes every Buffer it makes from a string password or plaintext (the strings themselves cannot be wiped)', async () => {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const plaintext = `pt-${randomBytes(8).toString('hex')}`;
    const from = jest.spyOn(Buffer, 'from') as unknown as jest.SpyInstance<Buffer, unknown[]>;
    const sealed = await fast.encrypt(plaintext, password);
    await expect(fast.decrypt(sealed, password)).resolves.toBe(plaintext);
    (await fast.deriveKey(password, randomBytes(16))).fill(0);
    const session = new EncryptionSession(fast, async () => password);
    (await session.open(await session.seal(Buffer.alloc(4)))).fill(0);
    session.close();
    const made = from.mock.calls.flatMap((args, i) =>
      args[0] === password || args[0] === plaintext ? [from.mock.results[i]?.value as Buffer] : [],
    );
    expect(made.length).toBeGreaterThanOrEqual(4);
    for (const buffer of made) expect(buffer.every((byte) => byte === 0)).toBe(true);
  });
});
