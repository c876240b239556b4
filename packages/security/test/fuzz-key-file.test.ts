import { randomBytes } from 'node:crypto';
import { DecryptionError, StorageError } from '@localagent/errors';
import { fakeKeys } from './support/fixtures';
import { EncryptionService, EncryptionSession, sealWithKey } from '../src/encryption-service';
import { KDF_LIMITS, parseEnvelope, type KdfParams } from '../src/envelope';
import { MAX_KEY_LENGTH } from '../src/key-format';
import { decodeStoreData, type StoreData } from '../src/store-data';

/**
 * Mutated key files, opened the way the encrypted file store opens them (`session.open` then
 * `decodeStoreData`): each must give the right data (unmutated), a DecryptionError or a
 * StorageError, and never anything else. LOCALAGENT_FUZZ_FILES raises the count (default 10,000),
 * LOCALAGENT_FUZZ_SEED replays a run.
 */
const FILES = Math.max(10_000, Number(process.env['LOCALAGENT_FUZZ_FILES'] ?? 0) || 0);
const SEED = Number(process.env['LOCALAGENT_FUZZ_SEED'] ?? randomBytes(4).readUInt32BE(0)) >>> 0;
const PATH = '/fuzz/keys.enc';

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

/** uint32 values near every bound the reader checks. */
const INTERESTING_U32 = [
  0,
  1,
  2,
  3,
  15,
  16,
  17,
  2 ** 14,
  2 ** 15,
  2 ** 16,
  2 ** 17,
  2 ** 20,
  2 ** 20 + 1,
  2 ** 21,
  2 ** 30,
  2 ** 31,
  2 ** 32 - 1,
  KDF_LIMITS.pbkdf2MaxIterations + 1,
  KDF_LIMITS.scryptMaxR + 1,
  KDF_LIMITS.scryptMaxP + 1,
  1000,
];

/** Cheap scrypt parameters Node accepts, ones it refuses although the old bounds allowed them, and ones over ours. */
const SCRYPT_CASES: ReadonlyArray<[number, number, number]> = [
  [2, 1, 1],
  [2, 1, 16],
  [16, 1, 15],
  [4, 3, 16],
  [2 ** 15, 1, 1],
  [2 ** 16, 1, 1],
  [2 ** 17, 1, 1],
  [2 ** 20, 1, 16],
  [2 ** 20, 2, 16],
  [2 ** 21, 8, 1],
  [2 ** 17, 33, 1],
  [2 ** 17, 8, 17],
  [3, 1, 1],
  [0, 0, 0],
];

interface Base {
  name: string;
  file: Buffer;
  plaintext: Buffer;
  data: StoreData;
  key: Buffer;
  params: KdfParams;
  salt: Buffer;
  session: EncryptionSession;
}

const service = new EncryptionService({ kdf: { kdf: 'pbkdf2', iterations: 100_000 } });

/** A real key file with the cheapest parameters the reader accepts, written by the real code. */
async function base(name: string, params: KdfParams, password: string): Promise<Base> {
  const at = new Date(0).toISOString();
  const data: StoreData = {
    version: 1,
    keys: Object.assign(Object.create(null) as StoreData['keys'], {
      openai: { key: fakeKeys.openai(), createdAt: at, updatedAt: at },
      anthropic: { key: fakeKeys.anthropic(), createdAt: at, updatedAt: at },
    }),
  };
  const plaintext = Buffer.from(JSON.stringify(data));
  const salt = randomBytes(16);
  // the key as written before NFC normalisation (the bytes as typed): a non-NFC password's file
  // then exercises the session's fallback to the raw form
  const key = await service.deriveKey(password, salt, params);
  const file = sealWithKey(plaintext, key, params, salt);
  const session = new EncryptionSession(service, () => Promise.resolve(password));
  return { name, file, plaintext, data, key, params, salt, session };
}

type Mutation = (file: Buffer, b: Base) => Buffer;

/** Writes within the file only (an earlier mutation may have truncated it). */
function writeU32(f: Buffer, value: number, offset: number): void {
  if (offset + 4 <= f.length) f.writeUInt32BE(value >>> 0, offset);
}

const headerLength = (file: Buffer): number => Math.min(file.length, 19 + (file[18] ?? 16) + 12);

const FILE_MUTATIONS: ReadonlyArray<[string, number, Mutation]> = [
  [
    'flip a header bit',
    8,
    (f) => {
      const i = int(headerLength(f));
      f[i] = (f[i] as number) ^ (1 << int(8));
      return f;
    },
  ],
  [
    'flip any bit',
    2,
    (f) => {
      const i = int(f.length);
      f[i] = (f[i] as number) ^ (1 << int(8));
      return f;
    },
  ],
  [
    'random header byte',
    3,
    (f) => {
      f[int(headerLength(f))] = pick([0, 1, 0x7f, 0x80, 0xff, int(256)]);
      return f;
    },
  ],
  [
    'KDF id',
    2,
    (f) => {
      f[5] = pick([0, 1, 2, 3, 0xff]);
      return f;
    },
  ],
  [
    'KDF parameter',
    4,
    (f) => {
      writeU32(f, random() < 0.7 ? pick(INTERESTING_U32) : int(2 ** 32), pick([6, 10, 14]));
      return f;
    },
  ],
  [
    'scrypt parameters',
    3,
    (f) => {
      const [N, r, p] = pick(SCRYPT_CASES);
      f[5] = 2;
      writeU32(f, N, 6);
      writeU32(f, r, 10);
      writeU32(f, p, 14);
      return f;
    },
  ],
  [
    'salt length',
    3,
    (f) => {
      f[18] = pick([0, 1, 15, 17, 32, 63, 64, 65, 0xff, int(256)]);
      return f;
    },
  ],
  [
    'version or magic',
    1,
    (f) => {
      f[int(5)] = int(256);
      return f;
    },
  ],
  ['truncate', 3, (f) => f.subarray(0, pick([int(f.length), int(headerLength(f) + 17)]))],
  ['extend', 2, (f) => Buffer.concat([f, bytes(1 + int(64))])],
  [
    'insert into the header',
    2,
    (f) => {
      const at = int(headerLength(f));
      return Buffer.concat([f.subarray(0, at), bytes(1 + int(8)), f.subarray(at)]);
    },
  ],
  [
    'delete from the header',
    2,
    (f) => {
      const at = int(headerLength(f));
      return Buffer.concat([f.subarray(0, at), f.subarray(at + 1 + int(8))]);
    },
  ],
  [
    'random bytes',
    1,
    (f) =>
      random() < 0.5
        ? bytes(int(200))
        : Buffer.concat([f.subarray(0, pick([4, 5, 6, 18, 19])), bytes(int(120))]),
  ],
  ['replace the body', 1, (f) => Buffer.concat([f.subarray(0, headerLength(f)), bytes(int(80))])],
];

const TOTAL_WEIGHT = FILE_MUTATIONS.reduce((sum, [, weight]) => sum + weight, 0);

function pickFileMutation(): [string, Mutation] {
  let roll = int(TOTAL_WEIGHT);
  for (const [name, weight, mutate] of FILE_MUTATIONS) {
    roll -= weight;
    if (roll < 0) return [name, mutate];
  }
  throw new Error('unreachable');
}

const entry = (): Record<string, unknown> => ({
  key: fakeKeys.generic(),
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const WRONG_VALUES: unknown[] = [null, 0, 1, -1, 1.5, true, '', '1', [], [1], {}, 'x'.repeat(3000)];
const PROVIDER_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'Open AI',
  '',
  'a'.repeat(65),
  'openai',
  '../x',
];

/** Content sealed with the right key: everything a tampered writer could put inside the envelope. */
function malformedContent(b: Base): [string, Buffer] {
  const doc = (): Record<string, unknown> => ({ version: 1, keys: { openai: entry() } });
  switch (int(9)) {
    case 0: {
      const d = doc();
      d[pick(['version', 'keys'])] = pick(WRONG_VALUES);
      return ['wrong top-level type', Buffer.from(JSON.stringify(d))];
    }
    case 1: {
      const e = entry();
      e[pick(['key', 'createdAt', 'updatedAt'])] = pick(WRONG_VALUES);
      return [
        'wrong entry field',
        Buffer.from(JSON.stringify({ version: 1, keys: { openai: e } })),
      ];
    }
    case 2: {
      const e = entry();
      delete e[pick(['key', 'createdAt', 'updatedAt'])];
      const d = doc();
      if (random() < 0.3) delete d[pick(['version', 'keys'])];
      else d['keys'] = { openai: e };
      return ['missing field', Buffer.from(JSON.stringify(d))];
    }
    case 3: {
      const e = entry();
      e[pick(['key', 'createdAt', 'updatedAt'])] = 'k'.repeat(
        pick([MAX_KEY_LENGTH, MAX_KEY_LENGTH + 1, 100_000]),
      );
      return ['huge string', Buffer.from(JSON.stringify({ version: 1, keys: { openai: e } }))];
    }
    case 4: {
      const name = pick(PROVIDER_NAMES);
      const value = random() < 0.5 ? entry() : pick(WRONG_VALUES);
      return [
        'prototype or bad provider name',
        Buffer.from(`{"version":1,"keys":{${JSON.stringify(name)}:${JSON.stringify(value)}}}`),
      ];
    }
    case 5:
      return [
        'entry not an object',
        Buffer.from(JSON.stringify({ version: 1, keys: { openai: pick(WRONG_VALUES) } })),
      ];
    case 6: {
      const text = Buffer.from(b.plaintext);
      for (let n = 1 + int(3); n > 0; n -= 1) text[int(text.length)] = int(256);
      return ['mutated JSON text', text];
    }
    case 7:
      return ['truncated JSON', b.plaintext.subarray(0, int(b.plaintext.length))];
    default:
      return [
        'not JSON',
        pick([
          bytes(int(64)),
          Buffer.from('['.repeat(100_000)),
          Buffer.alloc(0),
          Buffer.from('null'),
        ]),
      ];
  }
}

function checkDecoded(data: StoreData): string | undefined {
  if (data.version !== 1 || Object.getPrototypeOf(data.keys) !== null) return 'bad store shape';
  for (const [name, e] of Object.entries(data.keys)) {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) return 'bad provider name accepted';
    if (typeof e.key !== 'string' || e.key.length > MAX_KEY_LENGTH) return 'bad key accepted';
    if (typeof e.createdAt !== 'string' || typeof e.updatedAt !== 'string')
      return 'bad timestamp accepted';
  }
  return undefined;
}

async function openStore(session: EncryptionSession, raw: Buffer): Promise<StoreData> {
  const plaintext = await session.open(raw);
  try {
    return decodeStoreData(plaintext, PATH);
  } finally {
    plaintext.fill(0);
  }
}

const documented = (error: unknown): boolean =>
  DecryptionError.isInstance(error) || StorageError.isInstance(error);

describe(`fuzzed key files (seed ${SEED}, replay with LOCALAGENT_FUZZ_SEED=${SEED})`, () => {
  const bases: Base[] = [];
  afterAll(() => {
    for (const b of bases) {
      b.session.close();
      b.key.fill(0);
    }
  });

  it(`opens ${FILES} mutated files with only DecryptionError or StorageError, never a tampered one`, async () => {
    bases.push(
      await base('pbkdf2', { kdf: 'pbkdf2', iterations: 1 }, 'fuzz-password-1'),
      await base('scrypt', { kdf: 'scrypt', N: 2, r: 1, p: 1 }, 'fuzz-password-2'),
      await base('pbkdf2, non-NFC password', { kdf: 'pbkdf2', iterations: 1 }, 'cafe\u0301-fuzz'),
    );
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    const started = Date.now();
    for (let i = 0; i < FILES && failures.length < 5; i += 1) {
      const b = pick(bases);
      let label: string;
      let raw: Buffer;
      let content: 'sealed' | 'file' = 'file';
      const roll = random();
      if (roll < 0.02) {
        label = 'unmutated';
        raw = b.file;
      } else if (roll < 0.25) {
        const [name, plaintext] = malformedContent(b);
        label = `content: ${name}`;
        raw = sealWithKey(plaintext, b.key, b.params, b.salt);
        content = 'sealed';
      } else {
        const names: string[] = [];
        raw = Buffer.from(b.file);
        for (let n = random() < 0.7 ? 1 : 2 + int(2); n > 0; n -= 1) {
          const [name, mutate] = pickFileMutation();
          names.push(name);
          raw = mutate(raw, b);
        }
        label = names.join(' + ');
      }
      let outcome: string;
      try {
        const data = await openStore(b.session, raw);
        if (content === 'sealed') {
          outcome = checkDecoded(data) ?? 'decoded';
        } else if (raw.equals(b.file)) {
          outcome = JSON.stringify(data) === JSON.stringify(b.data) ? 'decoded' : 'wrong data';
        } else {
          outcome = 'decrypted a tampered file';
        }
      } catch (error) {
        outcome = documented(error)
          ? (error as DecryptionError | StorageError).code
          : `undocumented ${(error as Error).name}: ${(error as Error).message}`;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (!['decoded', 'LA_DECRYPTION_FAILED', 'LA_STORAGE_FAILED'].includes(outcome)) {
        failures.push(
          `#${i} seed ${SEED}, ${b.name}, ${label}: ${outcome} (file ${raw.subarray(0, 64).toString('hex')}…)`,
        );
      }
    }
    // the seed is in the test's name and in each failure: LOCALAGENT_FUZZ_SEED=<seed> replays it
    expect(failures).toEqual([]);
    // every class of outcome occurred, so the mutations reach each check
    expect(outcomes['LA_DECRYPTION_FAILED']).toBeGreaterThan(FILES / 10);
    expect(outcomes['LA_STORAGE_FAILED']).toBeGreaterThan(FILES / 10);
    expect(outcomes['decoded']).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThan(0);
    for (const b of bases) expect(parseEnvelope(b.file).params).toEqual(b.params);
  }, 300_000);
});
