import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, scrypt } from 'node:crypto';
import { ConfigurationError } from '@localagent/errors';
import {
  decryptionFailed,
  encodeHeader,
  NONCE_LENGTH,
  paramsId,
  parseEnvelope,
  sameParams,
  SALT_LENGTH,
  scryptParamsWithinLimits,
  KDF_LIMITS,
  type KdfParams,
} from './envelope.js';

/** OWASP's current PBKDF2-HMAC-SHA256 figure. */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;
/** The lowest iteration count this package writes (the config schema's minimum). */
export const MIN_PBKDF2_ITERATIONS = 100_000;
export const DEFAULT_SCRYPT_PARAMS = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

export type { KdfParams } from './envelope.js';

export interface EncryptionServiceOptions {
  /** `'pbkdf2'` (default, 600,000 iterations), `'scrypt'` (N=2^17, r=8, p=1), or explicit parameters. */
  kdf?: 'pbkdf2' | 'scrypt' | KdfParams | undefined;
}

export type Secret = string | Buffer;

function toBuffer(value: Secret): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function resolveParams(kdf: EncryptionServiceOptions['kdf']): KdfParams {
  if (kdf === undefined || kdf === 'pbkdf2')
    return { kdf: 'pbkdf2', iterations: DEFAULT_PBKDF2_ITERATIONS };
  if (kdf === 'scrypt') return { kdf: 'scrypt', ...DEFAULT_SCRYPT_PARAMS };
  if (kdf.kdf === 'pbkdf2') {
    if (
      !Number.isInteger(kdf.iterations) ||
      kdf.iterations < MIN_PBKDF2_ITERATIONS ||
      kdf.iterations > KDF_LIMITS.pbkdf2MaxIterations
    ) {
      throw new ConfigurationError({
        message: `PBKDF2 iterations must be an integer from ${MIN_PBKDF2_ITERATIONS} to ${KDF_LIMITS.pbkdf2MaxIterations}.`,
        details: { iterations: kdf.iterations },
      });
    }
    return { kdf: 'pbkdf2', iterations: kdf.iterations };
  }
  if (kdf.kdf === 'scrypt' && scryptParamsWithinLimits(kdf) && kdf.N >= 2 ** 14)
    return { kdf: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p };
  throw new ConfigurationError({
    message:
      'scrypt parameters must have N a power of two from 2^14 to 2^20, r from 1 to 32, p from 1 to 16, and 128·N·r at most 256 MiB.',
    details: { kdf: 'scrypt' },
  });
}

/**
 * AES-256-GCM with a password-derived key, in a versioned envelope (see envelope.ts). Key
 * derivation runs on libuv's thread pool (`crypto.pbkdf2` / `crypto.scrypt`, not the Sync forms),
 * so the event loop stays free during the few hundred milliseconds it takes.
 */
export class EncryptionService {
  /** The parameters new envelopes are written with. */
  readonly params: KdfParams;

  constructor(options: EncryptionServiceOptions = {}) {
    this.params = Object.freeze(resolveParams(options.kdf));
  }

  /** Derives a 32-byte key. `params` default to this service's; the caller owns (and wipes) the result. */
  deriveKey(password: Secret, salt: Buffer, params: KdfParams = this.params): Promise<Buffer> {
    const secret = toBuffer(password);
    // a Buffer made here from a string password is ours to wipe; the caller's Buffer stays theirs
    const owned = typeof password === 'string';
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, key: Buffer): void => {
        if (owned) secret.fill(0);
        if (error) reject(error);
        else resolve(key);
      };
      if (params.kdf === 'pbkdf2') {
        pbkdf2(secret, salt, params.iterations, 32, 'sha256', done);
      } else {
        // Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128·N·r = 128 MiB)
        scrypt(
          secret,
          salt,
          32,
          { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 },
          done,
        );
      }
    });
  }

  async encrypt(plaintext: Secret, password: Secret): Promise<Buffer> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.deriveKey(password, salt);
    const data = toBuffer(plaintext);
    try {
      return sealWithKey(data, key, this.params, salt);
    } finally {
      key.fill(0);
      if (typeof plaintext === 'string') data.fill(0);
    }
  }

  /** Wrong password and modified data both throw `DecryptionError`; data that is not an envelope throws `StorageError`. */
  async decrypt(data: Buffer, password: Secret): Promise<string> {
    const envelope = parseEnvelope(data);
    const key = await this.deriveKey(password, envelope.salt, envelope.params);
    try {
      const plaintext = openWithKey(data, key);
      try {
        return plaintext.toString('utf8');
      } finally {
        plaintext.fill(0);
      }
    } finally {
      key.fill(0);
    }
  }
}

export function sealWithKey(
  plaintext: Buffer,
  key: Buffer,
  params: KdfParams,
  salt: Buffer,
): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const header = encodeHeader(params, salt, nonce);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(header);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}

/** Returns the plaintext in a Buffer the caller wipes. */
export function openWithKey(data: Buffer, key: Buffer): Buffer {
  const envelope = parseEnvelope(data);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.nonce);
    decipher.setAAD(envelope.header);
    decipher.setAuthTag(envelope.tag);
    return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}

/**
 * One process's view of one encrypted file: derives a key once per (salt, parameters) and re-uses
 * it, and re-uses the file's salt for writes (with a fresh nonce each time) as long as the file's
 * parameters are the current ones. A file written with older parameters is re-encrypted with a
 * fresh salt and the current parameters on the next write. `close()` wipes the password and keys.
 */
export class EncryptionSession {
  readonly #service: EncryptionService;
  readonly #passwordSource: () => Promise<Secret>;
  #password: Buffer | undefined;
  readonly #keys = new Map<string, Buffer>();
  #writeSalt: Buffer | undefined;
  #closed = false;
  /** Number of key derivations performed (for tests and `status()`). */
  derivations = 0;

  constructor(service: EncryptionService, password: () => Promise<Secret>) {
    this.#service = service;
    this.#passwordSource = password;
  }

  async #passwordBuffer(): Promise<Buffer> {
    if (this.#closed) throw new ConfigurationError({ message: 'This key manager was closed.' });
    if (this.#password === undefined) {
      const value = await this.#passwordSource();
      // one copy of our own (not a string's Buffer copied again): the caller's Buffer stays theirs, ours is wiped on close()
      this.#password = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    }
    return this.#password;
  }

  async #keyFor(params: KdfParams, salt: Buffer): Promise<Buffer> {
    const id = `${paramsId(params)}:${salt.toString('hex')}`;
    const cached = this.#keys.get(id);
    if (cached !== undefined) return cached;
    const password = await this.#passwordBuffer();
    const key = await this.#service.deriveKey(password, salt, params);
    this.derivations += 1;
    this.#keys.set(id, key);
    return key;
  }

  /** Derives (once) the key an existing envelope needs, so the slow part can run before taking a lock. */
  async prepare(data: Buffer | undefined): Promise<void> {
    if (data === undefined) {
      await this.#writeKey();
      return;
    }
    const envelope = parseEnvelope(data);
    await this.#keyFor(envelope.params, envelope.salt);
    this.#adoptSalt(envelope.params, envelope.salt);
  }

  /** Decrypts into a Buffer the caller wipes. */
  async open(data: Buffer): Promise<Buffer> {
    const envelope = parseEnvelope(data);
    const key = await this.#keyFor(envelope.params, envelope.salt);
    const plaintext = openWithKey(data, key);
    this.#adoptSalt(envelope.params, envelope.salt);
    return plaintext;
  }

  async seal(plaintext: Buffer): Promise<Buffer> {
    const { key, salt } = await this.#writeKey();
    return sealWithKey(plaintext, key, this.#service.params, salt);
  }

  /** True when the envelope was written with older parameters (the next write upgrades it). */
  isOutdated(data: Buffer): boolean {
    return !sameParams(parseEnvelope(data).params, this.#service.params);
  }

  #adoptSalt(params: KdfParams, salt: Buffer): void {
    if (sameParams(params, this.#service.params)) this.#writeSalt = Buffer.from(salt);
  }

  async #writeKey(): Promise<{ key: Buffer; salt: Buffer }> {
    this.#writeSalt ??= randomBytes(SALT_LENGTH);
    const salt = this.#writeSalt;
    return { key: await this.#keyFor(this.#service.params, salt), salt };
  }

  close(): void {
    this.#closed = true;
    for (const key of this.#keys.values()) key.fill(0);
    this.#keys.clear();
    this.#password?.fill(0);
    this.#password = undefined;
  }
}
