import { DecryptionError, StorageError } from '@localagent/errors';

/**
 * The encrypted envelope, version 1 (all integers big-endian):
 *
 *   offset  size  field
 *   0       4     magic "LAKS"
 *   4       1     format version (1)
 *   5       1     KDF id: 1 = PBKDF2-HMAC-SHA256, 2 = scrypt
 *   6       12    KDF parameters, three uint32: PBKDF2 (iterations, 0, 0); scrypt (N, r, p)
 *   18      1     salt length S (16..64)
 *   19      S     salt
 *   19+S    12    AES-256-GCM nonce
 *   31+S    ...   ciphertext
 *   end-16  16    GCM tag
 *
 * Everything before the ciphertext is the header, authenticated as AAD: changing a KDF parameter,
 * the salt or the nonce makes decryption fail like a wrong password does.
 */
export const MAGIC = Buffer.from('LAKS', 'ascii');
export const FORMAT_VERSION = 1;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const SALT_LENGTH = 16;
const FIXED_HEADER = 19;

export type KdfParams =
  { kdf: 'pbkdf2'; iterations: number } | { kdf: 'scrypt'; N: number; r: number; p: number };

/**
 * Limits on parameters read from a header, so a tampered file cannot make `decrypt` run for
 * minutes or allocate gigabytes before the tag check rejects it. The bound is 4× the default's
 * cost: PBKDF2 at most 4 × 600,000 iterations; scrypt at most 4 × (2^17·8·1) for N·r·p (time)
 * and 2 × the default's 128 MiB of memory. The writer (EncryptionService) and the config schema
 * (`security.encryption.iterations` ≤ 2,400,000) never produce more, so every file we write opens.
 */
export const KDF_LIMITS = Object.freeze({
  pbkdf2MaxIterations: 2_400_000,
  scryptMaxN: 2 ** 20,
  scryptMaxR: 32,
  scryptMaxP: 16,
  /** N·r·p, what scrypt's time is proportional to. */
  scryptMaxCost: 4 * 2 ** 17 * 8,
  /** 128·N·r bytes of memory per scrypt lane. */
  scryptMaxMemory: 256 * 1024 * 1024,
});

export interface Envelope {
  header: Buffer;
  params: KdfParams;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function encodeHeader(params: KdfParams, salt: Buffer, nonce: Buffer): Buffer {
  const header = Buffer.alloc(FIXED_HEADER + salt.length + NONCE_LENGTH);
  MAGIC.copy(header, 0);
  header.writeUInt8(FORMAT_VERSION, 4);
  if (params.kdf === 'pbkdf2') {
    header.writeUInt8(1, 5);
    header.writeUInt32BE(params.iterations, 6);
  } else {
    header.writeUInt8(2, 5);
    header.writeUInt32BE(params.N, 6);
    header.writeUInt32BE(params.r, 10);
    header.writeUInt32BE(params.p, 14);
  }
  header.writeUInt8(salt.length, 18);
  salt.copy(header, FIXED_HEADER);
  nonce.copy(header, FIXED_HEADER + salt.length);
  return header;
}

const notAnEnvelope = (reason: string): StorageError =>
  new StorageError({
    message: `The encrypted key file is not readable: ${reason}. It was left untouched.`,
    suggestion:
      'Restore the file from a backup, or move it aside and store your keys again (`localagent config set-key <provider>`).',
  });

/** The one message for every authentication failure: a wrong password and tampering look alike. */
export const decryptionFailed = (cause?: unknown): DecryptionError =>
  new DecryptionError({
    message: 'Decryption failed: wrong master password, or the data was modified.',
    ...(cause === undefined ? {} : { cause }),
  });

export function pbkdf2WithinLimits(iterations: number): boolean {
  return (
    Number.isSafeInteger(iterations) &&
    iterations >= 1 &&
    iterations <= KDF_LIMITS.pbkdf2MaxIterations
  );
}

/**
 * Splits an envelope. Data that is not an envelope at all (too short, wrong magic, unknown version
 * or KDF) is a `StorageError`; a structurally valid header with impossible parameters can only be
 * tampering and is a `DecryptionError`, like a failed tag check.
 */
export function parseEnvelope(data: Buffer): Envelope {
  if (!Buffer.isBuffer(data)) throw notAnEnvelope('not binary data');
  if (data.length < FIXED_HEADER || !data.subarray(0, 4).equals(MAGIC))
    throw notAnEnvelope('not a LocalAgent encrypted file');
  const version = data.readUInt8(4);
  if (version !== FORMAT_VERSION)
    throw notAnEnvelope(
      `format version ${version} is not supported (written by a newer LocalAgent?)`,
    );
  const kdfId = data.readUInt8(5);
  const a = data.readUInt32BE(6);
  const b = data.readUInt32BE(10);
  const c = data.readUInt32BE(14);
  let params: KdfParams;
  if (kdfId === 1) {
    if (!pbkdf2WithinLimits(a) || b !== 0 || c !== 0) throw decryptionFailed();
    params = { kdf: 'pbkdf2', iterations: a };
  } else if (kdfId === 2) {
    params = { kdf: 'scrypt', N: a, r: b, p: c };
    if (!scryptParamsWithinLimits(params)) throw decryptionFailed();
  } else {
    throw notAnEnvelope(`unknown key derivation id ${kdfId}`);
  }
  const saltLength = data.readUInt8(18);
  if (saltLength < 16 || saltLength > 64) throw decryptionFailed();
  const headerLength = FIXED_HEADER + saltLength + NONCE_LENGTH;
  if (data.length < headerLength + TAG_LENGTH) throw notAnEnvelope('the file is truncated');
  return {
    header: data.subarray(0, headerLength),
    params,
    salt: data.subarray(FIXED_HEADER, FIXED_HEADER + saltLength),
    nonce: data.subarray(FIXED_HEADER + saltLength, headerLength),
    ciphertext: data.subarray(headerLength, data.length - TAG_LENGTH),
    tag: data.subarray(data.length - TAG_LENGTH),
  };
}

type ScryptParams = Pick<Extract<KdfParams, { kdf: 'scrypt' }>, 'N' | 'r' | 'p'>;

/** The bytes OpenSSL allocates for scrypt: V and X/T (128·r·(N+2)) plus B (128·r·p); Node's `maxmem`. */
export function scryptMaxmem(p: ScryptParams): number {
  return 128 * p.r * (p.N + 2 + p.p);
}

/**
 * OpenSSL's own checks (crypto/evp/pbe_scrypt.c, `scrypt_alg`), which Node applies before deriving
 * and reports as a RangeError: N a power of two ≥ 2, r, p ≥ 1, p·r < 2^30, N < 2^(128·r/8) (so
 * r = 1 allows N up to 2^15 only), and the memory within `maxmem` (we pass scryptMaxmem). A header
 * Node would refuse can only be tampering: a DecryptionError, never Node's RangeError.
 */
function scryptAcceptedByOpenSsl(p: ScryptParams): boolean {
  const integers = [p.N, p.r, p.p].every((v) => Number.isSafeInteger(v) && v >= 1);
  // N ≤ 2^31 keeps the power-of-two test within 32-bit bitwise arithmetic (our bound is 2^20)
  if (!integers || p.N < 2 || p.N > 2 ** 31 || (p.N & (p.N - 1)) !== 0) return false;
  if (p.p * p.r > 2 ** 30 - 1) return false;
  return 16 * p.r > 63 || p.N < 2 ** (16 * p.r);
}

/** True when Node would accept the parameters and their cost is within KDF_LIMITS. */
export function scryptParamsWithinLimits(p: ScryptParams): boolean {
  return (
    scryptAcceptedByOpenSsl(p) &&
    p.N <= KDF_LIMITS.scryptMaxN &&
    p.r <= KDF_LIMITS.scryptMaxR &&
    p.p <= KDF_LIMITS.scryptMaxP &&
    p.N * p.r * p.p <= KDF_LIMITS.scryptMaxCost &&
    128 * p.N * p.r <= KDF_LIMITS.scryptMaxMemory
  );
}

export function sameParams(x: KdfParams, y: KdfParams): boolean {
  if (x.kdf === 'pbkdf2') return y.kdf === 'pbkdf2' && x.iterations === y.iterations;
  return y.kdf === 'scrypt' && x.N === y.N && x.r === y.r && x.p === y.p;
}

export function paramsId(params: KdfParams): string {
  return params.kdf === 'pbkdf2'
    ? `pbkdf2:${params.iterations}`
    : `scrypt:${params.N}:${params.r}:${params.p}`;
}
