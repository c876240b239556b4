import { isUtf8 } from 'node:buffer';
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, scrypt } from 'node:crypto';
import { ConfigurationError, StorageError } from '@localagent/errors';
import {
  decryptionFailed,
  encodeHeader,
  NONCE_LENGTH,
  paramsId,
  parseEnvelope,
  pbkdf2WithinLimits,
  sameParams,
  SALT_LENGTH,
  scryptMaxmem,
  scryptParamsWithinLimits,
  KDF_LIMITS,
  type Envelope,
  type KdfParams,
} from './envelope.js';
import { assertNewMasterPassword } from './password-policy.js';

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

/**
 * A password in our own Buffers: `nfc`, its Unicode NFC form (what new files are written with), and
 * `raw`, the bytes as given when they differ from that form (files written before normalisation).
 * A Buffer is UTF-8; one that is not valid UTF-8 is used as it is. The caller wipes both.
 */
export function passwordForms(password: Secret): { nfc: Buffer; raw: Buffer | undefined } {
  const raw = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  if (typeof password !== 'string' && !isUtf8(raw)) return { nfc: raw, raw: undefined };
  // strings cannot be wiped; the password came as one (environment, prompt) or we need one to normalise
  const text = typeof password === 'string' ? password : raw.toString('utf8');
  const normalized = text.normalize('NFC');
  if (normalized === text) return { nfc: raw, raw: undefined };
  return { nfc: Buffer.from(normalized, 'utf8'), raw };
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

const derivationFailed = (cause: unknown): StorageError =>
  new StorageError({
    message: 'The key derivation for the encrypted key file failed.',
    cause,
    details: { reasonCode: 'kdf_failed' },
  });

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

  /**
   * Derives a 32-byte key from the password's bytes as given (no normalisation: see encrypt).
   * `params` default to this service's; the caller owns (and wipes) the result. Parameters out of
   * KDF_LIMITS or that Node would refuse reject with a `DecryptionError` (only a tampered header
   * has them), a failure while deriving (memory) with a `StorageError`: never Node's own errors.
   */
  deriveKey(password: Secret, salt: Buffer, params: KdfParams = this.params): Promise<Buffer> {
    const secret = toBuffer(password);
    // a Buffer made here from a string password is ours to wipe; the caller's Buffer stays theirs
    const owned = typeof password === 'string';
    return new Promise<Buffer>((resolve, reject) => {
      const done = (error: Error | null, key: Buffer): void => {
        if (owned) secret.fill(0);
        if (error) reject(derivationFailed(error));
        else resolve(key);
      };
      try {
        if (params.kdf === 'pbkdf2') {
          if (!pbkdf2WithinLimits(params.iterations)) throw new RangeError('PBKDF2 iterations');
          pbkdf2(secret, salt, params.iterations, 32, 'sha256', done);
        } else {
          // our check first: Node refuses some in-range values (N ≥ 2^16 with r = 1, …) with a
          // RangeError; maxmem is exactly what OpenSSL allocates (Node's default, 32 MiB, is
          // below the 128 MiB of N=2^17, r=8)
          if (!scryptParamsWithinLimits(params)) throw new RangeError('scrypt parameters');
          const { N, r, p } = params;
          scrypt(secret, salt, 32, { N, r, p, maxmem: scryptMaxmem(params) }, done);
        }
      } catch (error) {
        if (owned) secret.fill(0);
        reject(decryptionFailed(error));
      }
    });
  }

  /** Encrypts with the NFC form of the password (NFC and NFD input give the same file key). */
  async encrypt(plaintext: Secret, password: Secret): Promise<Buffer> {
    const salt = randomBytes(SALT_LENGTH);
    const forms = passwordForms(password);
    forms.raw?.fill(0);
    let key: Buffer;
    try {
      key = await this.deriveKey(forms.nfc, salt);
    } finally {
      forms.nfc.fill(0);
    }
    const data = toBuffer(plaintext);
    try {
      return sealWithKey(data, key, this.params, salt);
    } finally {
      key.fill(0);
      if (typeof plaintext === 'string') data.fill(0);
    }
  }

  /**
   * Wrong password and modified data both throw `DecryptionError`; data that is not an envelope
   * throws `StorageError`. Tries the password's NFC form, then (when it differs) the bytes as
   * given, which files written before normalisation need.
   */
  async decrypt(data: Buffer, password: Secret): Promise<string> {
    const envelope = parseEnvelope(data);
    const forms = passwordForms(password);
    try {
      for (const form of [forms.nfc, forms.raw]) {
        if (form === undefined) continue;
        const key = await this.deriveKey(form, envelope.salt, envelope.params);
        try {
          const plaintext = tryOpenWithKey(data, key);
          if (plaintext === undefined) continue;
          try {
            return plaintext.toString('utf8');
          } finally {
            plaintext.fill(0);
          }
        } finally {
          key.fill(0);
        }
      }
      throw decryptionFailed();
    } finally {
      forms.nfc.fill(0);
      forms.raw?.fill(0);
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
  const plaintext = tryOpenWithKey(data, key);
  if (plaintext === undefined) throw decryptionFailed();
  return plaintext;
}

/** The plaintext, or `undefined` when the tag check fails (wrong key or modified data). */
function tryOpenWithKey(data: Buffer, key: Buffer): Buffer | undefined {
  const envelope = parseEnvelope(data);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.nonce);
    decipher.setAAD(envelope.header);
    decipher.setAuthTag(envelope.tag);
    return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

export interface EncryptionSessionOptions {
  /**
   * Where a derived file key may already be (the unlock agent), asked before the password source
   * with the key's id (`<kdf params>:<salt hex>`). The session owns (and wipes) what it returns; a
   * key that does not open the file is ignored and the password is asked for.
   */
  keySource?: ((id: string) => Promise<Buffer | undefined>) | undefined;
}

interface CachedKey {
  key: Buffer;
  /** It opened a file with this header (or is our own write key): a later failure is tampering. */
  verified: boolean;
  /** Derived from the password as typed, not its NFC form: the file is re-encrypted on the next write. */
  outdated: boolean;
}

/** The id of the key an envelope needs: the same id the unlock agent keeps keys under. */
export function keyIdOf(params: KdfParams, salt: Buffer): string {
  return `${paramsId(params)}:${salt.toString('hex')}`;
}

/**
 * One process's view of one encrypted file: derives a key once per (salt, parameters) and re-uses
 * it, and re-uses the file's salt for writes (with a fresh nonce each time) as long as the file's
 * parameters are the current ones. A file written with older parameters, or that only the
 * password's non-NFC form opened, is re-encrypted with a fresh salt, the current parameters and
 * the NFC password on the next write. `close()` wipes the password and keys.
 */
export class EncryptionSession {
  readonly #service: EncryptionService;
  readonly #passwordSource: () => Promise<Secret>;
  readonly #keySource: EncryptionSessionOptions['keySource'];
  #password: { nfc: Buffer; raw: Buffer | undefined } | undefined;
  readonly #keys = new Map<string, CachedKey>();
  /** Keys of the password as typed, for headers its NFC form did not open. */
  readonly #rawKeys = new Map<string, Buffer>();
  #writeSalt: Buffer | undefined;
  #closed = false;
  /** Number of key derivations performed (for tests and `status()`). */
  derivations = 0;

  constructor(
    service: EncryptionService,
    password: () => Promise<Secret>,
    options: EncryptionSessionOptions = {},
  ) {
    this.#service = service;
    this.#passwordSource = password;
    this.#keySource = options.keySource;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ConfigurationError({ message: 'This key manager was closed.' });
  }

  async #passwords(): Promise<{ nfc: Buffer; raw: Buffer | undefined }> {
    this.#assertOpen();
    if (this.#password !== undefined) return this.#password;
    // copies of our own: the caller's Buffer stays theirs, ours are wiped on close()
    const forms = passwordForms(await this.#passwordSource());
    if (this.#closed || this.#password !== undefined) {
      // closed, or another call got the password meanwhile
      forms.nfc.fill(0);
      forms.raw?.fill(0);
      this.#assertOpen();
    }
    this.#password ??= forms;
    return this.#password;
  }

  async #derive(password: Buffer, envelope: Pick<Envelope, 'params' | 'salt'>): Promise<Buffer> {
    const key = await this.#service.deriveKey(password, envelope.salt, envelope.params);
    this.derivations += 1;
    if (this.#closed) {
      key.fill(0);
      this.#assertOpen();
    }
    return key;
  }

  /** Asks the key source; a key that does not open `data` is wiped and ignored. */
  async #keyFromSource(id: string, data: Buffer): Promise<CachedKey | undefined> {
    if (this.#keySource === undefined) return undefined;
    const key = await this.#keySource(id).catch(() => undefined);
    if (!Buffer.isBuffer(key)) return undefined;
    const proof = key.length === 32 ? tryOpenWithKey(data, key) : undefined;
    if (proof !== undefined) {
      proof.fill(0);
      return { key, verified: true, outdated: false };
    }
    key.fill(0);
    return undefined;
  }

  /**
   * Opens `data` with a cached key, else the key source's, else the NFC password's, else (when it
   * differs) the password's as typed. Returns the plaintext (the caller wipes it) and the key.
   */
  async #open(data: Buffer): Promise<{ plaintext: Buffer; id: string; entry: CachedKey }> {
    this.#assertOpen();
    const envelope = parseEnvelope(data);
    const id = keyIdOf(envelope.params, envelope.salt);
    let entry = this.#keys.get(id);
    if (entry === undefined) {
      entry = await this.#keyFromSource(id, data);
      if (entry === undefined) {
        const { nfc } = await this.#passwords();
        entry = { key: await this.#derive(nfc, envelope), verified: false, outdated: false };
      }
      this.#remember(id, entry);
    }
    const plaintext = tryOpenWithKey(data, entry.key);
    if (plaintext !== undefined) {
      entry.verified = true;
      return { plaintext, id, entry };
    }
    if (entry.verified) throw decryptionFailed();
    const { raw } = await this.#passwords();
    if (raw === undefined) throw decryptionFailed();
    let rawKey = this.#rawKeys.get(id);
    if (rawKey === undefined) {
      rawKey = await this.#derive(raw, envelope);
      this.#rawKeys.get(id)?.fill(0);
      this.#rawKeys.set(id, rawKey);
    }
    const opened = tryOpenWithKey(data, rawKey);
    if (opened === undefined) throw decryptionFailed();
    // the NFC key opens nothing with this header: the key of the password as typed replaces it
    this.#rawKeys.delete(id);
    const replacement: CachedKey = { key: rawKey, verified: true, outdated: true };
    this.#remember(id, replacement);
    return { plaintext: opened, id, entry: replacement };
  }

  /** Caches `entry` under `id`, wiping the key it replaces. */
  #remember(id: string, entry: CachedKey): void {
    const previous = this.#keys.get(id);
    if (previous !== undefined && previous.key !== entry.key) previous.key.fill(0);
    this.#keys.set(id, entry);
  }

  /** Derives (once) the key an existing envelope needs, so the slow part can run before taking a lock. */
  async prepare(data: Buffer | undefined): Promise<void> {
    if (data === undefined) await this.#writeKey();
    else (await this.open(data)).fill(0);
  }

  /** Decrypts into a Buffer the caller wipes. */
  async open(data: Buffer): Promise<Buffer> {
    const { plaintext, entry } = await this.#open(data);
    const envelope = parseEnvelope(data);
    // a file only the non-NFC password opened keeps no salt: the next write starts afresh
    if (!entry.outdated && sameParams(envelope.params, this.#service.params))
      this.#writeSalt = Buffer.from(envelope.salt);
    return plaintext;
  }

  /**
   * The key that opens `data`, for the unlock agent: taken from the cache or derived, proven to
   * open `data` (else `DecryptionError`), with its id. The key is a copy the caller wipes.
   */
  async unlockMaterial(data: Buffer): Promise<{ id: string; key: Buffer }> {
    const { plaintext, id, entry } = await this.#open(data);
    plaintext.fill(0);
    return { id, key: Buffer.from(entry.key) };
  }

  /**
   * Applies the policy for new master passwords (assertNewMasterPassword) to this session's
   * password, asking the password source if nobody has yet. Call it before creating a new file.
   */
  async checkNewPassword(): Promise<void> {
    assertNewMasterPassword((await this.#passwords()).nfc);
  }

  async seal(plaintext: Buffer): Promise<Buffer> {
    const { key, salt } = await this.#writeKey();
    return sealWithKey(plaintext, key, this.#service.params, salt);
  }

  /**
   * True when the envelope was written with older parameters, or opened only with the password's
   * non-NFC form: the next write upgrades it.
   */
  isOutdated(data: Buffer): boolean {
    const envelope = parseEnvelope(data);
    if (!sameParams(envelope.params, this.#service.params)) return true;
    return this.#keys.get(keyIdOf(envelope.params, envelope.salt))?.outdated === true;
  }

  async #writeKey(): Promise<{ key: Buffer; salt: Buffer }> {
    this.#assertOpen();
    this.#writeSalt ??= randomBytes(SALT_LENGTH);
    const salt = this.#writeSalt;
    const params = this.#service.params;
    const id = keyIdOf(params, salt);
    const cached = this.#keys.get(id);
    if (cached !== undefined && !cached.outdated) return { key: cached.key, salt };
    const { nfc } = await this.#passwords();
    const key = await this.#derive(nfc, { params, salt });
    this.#remember(id, { key, verified: true, outdated: false });
    return { key, salt };
  }

  close(): void {
    this.#closed = true;
    for (const { key } of this.#keys.values()) key.fill(0);
    for (const key of this.#rawKeys.values()) key.fill(0);
    this.#keys.clear();
    this.#rawKeys.clear();
    this.#password?.nfc.fill(0);
    this.#password?.raw?.fill(0);
    this.#password = undefined;
  }
}
