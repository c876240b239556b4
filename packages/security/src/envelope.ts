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
 * minutes or allocate gigabytes before the tag check rejects it.
 */
export const KDF_LIMITS = Object.freeze({
  pbkdf2MaxIterations: 10_000_000,
  scryptMaxN: 2 ** 20,
  scryptMaxR: 32,
  scryptMaxP: 16,
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
export const decryptionFailed = (): DecryptionError =>
  new DecryptionError({
    message: 'Decryption failed: wrong master password, or the data was modified.',
  });

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
    if (a < 1 || a > KDF_LIMITS.pbkdf2MaxIterations || b !== 0 || c !== 0) throw decryptionFailed();
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

export function scryptParamsWithinLimits(p: { N: number; r: number; p: number }): boolean {
  const powerOfTwo = p.N >= 2 && (p.N & (p.N - 1)) === 0;
  return (
    powerOfTwo &&
    p.N <= KDF_LIMITS.scryptMaxN &&
    p.r >= 1 &&
    p.r <= KDF_LIMITS.scryptMaxR &&
    p.p >= 1 &&
    p.p <= KDF_LIMITS.scryptMaxP &&
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
