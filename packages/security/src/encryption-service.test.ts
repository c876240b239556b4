import { randomBytes, scryptSync } from 'node:crypto';
import { DecryptionError, StorageError } from '@localagent/errors';
import {
  EncryptionService,
  EncryptionSession,
  DEFAULT_PBKDF2_ITERATIONS,
  DEFAULT_SCRYPT_PARAMS,
  keyIdOf,
  passwordForms,
  sealWithKey,
} from './encryption-service';
import {
  encodeHeader,
  parseEnvelope,
  KDF_LIMITS,
  scryptMaxmem,
  scryptParamsWithinLimits,
} from './envelope';

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

  it('bounds a header to 4× the default cost, and every file the writer can produce stays readable', async () => {
    expect(KDF_LIMITS.pbkdf2MaxIterations).toBe(4 * DEFAULT_PBKDF2_ITERATIONS);
    const { N, r, p } = DEFAULT_SCRYPT_PARAMS;
    expect(KDF_LIMITS.scryptMaxCost).toBe(4 * N * r * p);
    expect(scryptParamsWithinLimits(DEFAULT_SCRYPT_PARAMS)).toBe(true);
    const max = new EncryptionService({
      kdf: { kdf: 'pbkdf2', iterations: KDF_LIMITS.pbkdf2MaxIterations },
    });
    const header = encodeHeader(max.params, Buffer.alloc(16), Buffer.alloc(12));
    expect(parseEnvelope(Buffer.concat([header, Buffer.alloc(16)])).params).toEqual(max.params);
    expect(
      () =>
        new EncryptionService({
          kdf: { kdf: 'pbkdf2', iterations: KDF_LIMITS.pbkdf2MaxIterations + 1 },
        }),
    ).toThrow(/iterations/);
    // finding 8: N=2^20, r=2, p=16 passed the old bounds (256 MiB) and took 22 s
    expect(scryptParamsWithinLimits({ N: 2 ** 20, r: 2, p: 16 })).toBe(false);
    expect(scryptParamsWithinLimits({ N: 2 ** 18, r: 8, p: 2 })).toBe(true);
  });

  it('refuses, as tampering, scrypt headers inside the old bounds that Node refuses (finding 8: RangeError)', async () => {
    const salt = randomBytes(16);
    for (const [params, nodeAccepts] of [
      [{ N: 2 ** 16, r: 1, p: 1 }, false], // OpenSSL: N < 2^(128·r/8)
      [{ N: 2 ** 17, r: 1, p: 1 }, false],
      [{ N: 2, r: 1, p: 1 }, true], // needs 128·r·(N+2+p), above the old maxmem of 256·N·r
      [{ N: 16, r: 1, p: 16 }, true],
    ] as const) {
      const forged = Buffer.concat([
        encodeHeader({ kdf: 'scrypt', ...params }, salt, Buffer.alloc(12)),
        Buffer.alloc(32),
      ]);
      const error = await fast.decrypt(forged, 'pw').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecryptionError);
      const derived = fast.deriveKey('pw', salt, { kdf: 'scrypt', ...params });
      if (nodeAccepts) await expect(derived).resolves.toHaveLength(32);
      else await expect(derived).rejects.toBeInstanceOf(DecryptionError);
    }
    await expect(
      fast.deriveKey('pw', salt, { kdf: 'pbkdf2', iterations: 2 ** 31 }),
    ).rejects.toBeInstanceOf(DecryptionError);
  });

  it('agrees with Node on which scrypt parameters it accepts (tested against the real crypto.scrypt)', () => {
    let accepted = 0;
    let refused = 0;
    for (let log = 1; log <= 20; log += 1) {
      for (let r = 1; r <= KDF_LIMITS.scryptMaxR; r += 1) {
        for (let p = 1; p <= KDF_LIMITS.scryptMaxP; p += 1) {
          const params = { N: 2 ** log, r, p };
          const ours = scryptParamsWithinLimits(params);
          // deriving is cheap for N·r·p ≤ 4096, and Node refuses instantly (before deriving);
          // accepted expensive ones are left to the formula (deriving them all takes minutes)
          const cheap = params.N * r * p <= 2 ** 12;
          if (!cheap && (ours || !(r === 1 && params.N >= 2 ** 16))) continue;
          let node = true;
          try {
            scryptSync('pw', 'salt', 32, { ...params, maxmem: scryptMaxmem(params) });
          } catch (error) {
            // Node's realm, not jest's: compare by code, not instanceof
            expect(error).toMatchObject({ code: 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS' });
            node = false;
          }
          expect({ ...params, node }).toEqual({ ...params, node: ours });
          if (node) accepted += 1;
          else refused += 1;
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(3);
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

describe('Unicode normalisation of the master password (finding 5)', () => {
  const nfc = 'caf\u00e9-\u00c5ngstr\u00f6m-pass';
  const nfd = nfc.normalize('NFD');

  /** A file as the code before normalisation wrote it: the key derived from the bytes as typed. */
  async function legacyFile(password: string, plaintext: string): Promise<Buffer> {
    const salt = randomBytes(16);
    const key = await fast.deriveKey(password, salt);
    try {
      return sealWithKey(Buffer.from(plaintext), key, fast.params, salt);
    } finally {
      key.fill(0);
    }
  }

  it('gives NFC and NFD input the same file key, as a string or as a UTF-8 Buffer', async () => {
    expect(nfd).not.toBe(nfc);
    const sealed = await fast.encrypt('data', nfd);
    await expect(fast.decrypt(sealed, nfc)).resolves.toBe('data');
    await expect(fast.decrypt(sealed, Buffer.from(nfc))).resolves.toBe('data');
    const session = new EncryptionSession(fast, async () => Buffer.from(nfd));
    const written = await session.seal(Buffer.from('more'));
    session.close();
    const reader = new EncryptionSession(fast, async () => nfc);
    expect((await reader.open(written)).toString()).toBe('more');
    expect(reader.isOutdated(written)).toBe(false);
    reader.close();
  });

  it('opens a file written with the non-NFC password, reports it outdated, and re-encrypts it with the NFC one', async () => {
    const old = await legacyFile(nfd, 'legacy');
    const session = new EncryptionSession(fast, async () => nfd);
    expect((await session.open(old)).toString()).toBe('legacy');
    expect(session.isOutdated(old)).toBe(true);
    expect(session.derivations).toBe(2); // the NFC form first, then the form as typed
    expect((await session.open(old)).toString()).toBe('legacy');
    expect(session.derivations).toBe(2);
    const upgraded = await session.seal(Buffer.from('legacy'));
    expect(parseEnvelope(upgraded).salt.equals(parseEnvelope(old).salt)).toBe(false);
    expect(session.isOutdated(upgraded)).toBe(false);
    session.close();
    // the new file opens with either form; the old one only with the form it was written with
    await expect(fast.decrypt(upgraded, nfc)).resolves.toBe('legacy');
    await expect(fast.decrypt(old, nfd)).resolves.toBe('legacy');
    await expect(fast.decrypt(old, nfc)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('still fails with DecryptionError for a wrong non-NFC password, deriving each form once', async () => {
    const sealed = await fast.encrypt('data', 'pw-correct');
    const session = new EncryptionSession(fast, async () => nfd);
    for (let i = 0; i < 2; i += 1)
      await expect(session.open(sealed)).rejects.toBeInstanceOf(DecryptionError);
    expect(session.derivations).toBe(2);
    session.close();
  });

  it('uses a Buffer that is not UTF-8 as it is', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x41]);
    const forms = passwordForms(bytes);
    expect(forms.nfc.equals(bytes)).toBe(true);
    expect(forms.nfc).not.toBe(bytes);
    expect(forms.raw).toBeUndefined();
  });
});

describe('the unlock agent hooks', () => {
  it('opens and writes with a key from the key source without asking for the password', async () => {
    const writer = new EncryptionSession(fast, async () => 'pw-long-enough');
    const file = await writer.seal(Buffer.from('{"version":1}'));
    const material = await writer.unlockMaterial(file);
    const envelope = parseEnvelope(file);
    expect(material.id).toBe(keyIdOf(envelope.params, envelope.salt));
    expect(material.id).toMatch(/^pbkdf2:100000:[0-9a-f]{32}$/);
    writer.close();
    expect(material.key.some((b) => b !== 0)).toBe(true); // a copy: close() did not wipe it

    const asked: string[] = [];
    const headless = new EncryptionSession(
      fast,
      () => Promise.reject(new Error('no password here')),
      {
        keySource: async (id) => {
          asked.push(id);
          return id === material.id ? Buffer.from(material.key) : undefined;
        },
      },
    );
    expect((await headless.open(file)).toString()).toBe('{"version":1}');
    const rewritten = await headless.seal(Buffer.from('two'));
    expect((await headless.open(rewritten)).toString()).toBe('two');
    expect(headless.derivations).toBe(0);
    expect(asked).toEqual([material.id]);
    headless.close();
    material.key.fill(0);
  });

  it('ignores (and wipes) a key from the source that does not open the file, and asks for the password', async () => {
    const file = await fast.encrypt('data', 'pw');
    const wrong = randomBytes(32);
    const session = new EncryptionSession(fast, async () => 'pw', {
      keySource: async () => wrong,
    });
    expect((await session.open(file)).toString()).toBe('data');
    expect(wrong.every((b) => b === 0)).toBe(true);
    expect(session.derivations).toBe(1);
    const failing = new EncryptionSession(fast, async () => 'pw', {
      keySource: () => Promise.reject(new Error('agent gone')),
    });
    expect((await failing.open(file)).toString()).toBe('data');
    session.close();
    failing.close();
  });

  it('unlockMaterial refuses a file the password does not open, and a tampered one', async () => {
    const file = await fast.encrypt('data', 'pw');
    const other = new EncryptionSession(fast, async () => 'not-pw');
    await expect(other.unlockMaterial(file)).rejects.toBeInstanceOf(DecryptionError);
    const session = new EncryptionSession(fast, async () => 'pw');
    (await session.unlockMaterial(file)).key.fill(0);
    const tampered = Buffer.from(file);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    await expect(session.unlockMaterial(tampered)).rejects.toBeInstanceOf(DecryptionError);
    expect(session.derivations).toBe(1);
    const again = await session.unlockMaterial(file);
    again.key.fill(0);
    expect((await session.open(file)).toString()).toBe('data'); // the cached key is not the copy
    other.close();
    session.close();
  });

  it('checkNewPassword applies the length policy to the NFC form of the password', async () => {
    const short = new EncryptionSession(fast, async () => 'e\u0301'.repeat(6)); // 12 code points NFD, 6 NFC
    await expect(short.checkNewPassword()).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_WEAK',
    });
    const long = new EncryptionSession(fast, async () => 'correct horse battery');
    await expect(long.checkNewPassword()).resolves.toBeUndefined();
    short.close();
    long.close();
    await expect(long.checkNewPassword()).rejects.toThrow(/closed/);
  });
});

describe('memory wiping', () => {
  afterEach(() => jest.restoreAllMocks());

  it('wipes every Buffer it makes from a string password or plaintext (the strings themselves cannot be wiped)', async () => {
    const password = `pw-\u00e9-${randomBytes(8).toString('hex')}`.normalize('NFD');
    const plaintext = `pt-${randomBytes(8).toString('hex')}`;
    const from = jest.spyOn(Buffer, 'from') as unknown as jest.SpyInstance<Buffer, unknown[]>;
    const sealed = await fast.encrypt(plaintext, password);
    await expect(fast.decrypt(sealed, password)).resolves.toBe(plaintext);
    (await fast.deriveKey(password, randomBytes(16))).fill(0);
    const session = new EncryptionSession(fast, async () => password);
    (await session.open(await session.seal(Buffer.alloc(4)))).fill(0);
    session.close();
    const secrets = [password, password.normalize('NFC'), plaintext];
    const made = from.mock.calls.flatMap((args, i) =>
      secrets.includes(args[0] as string) ? [from.mock.results[i]?.value as Buffer] : [],
    );
    expect(made.length).toBeGreaterThanOrEqual(8);
    for (const buffer of made) expect(buffer.every((byte) => byte === 0)).toBe(true);
  });
});
