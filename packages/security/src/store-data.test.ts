import { StorageError } from '@localagent/errors';
import { fakeKeys } from '../test/support/fixtures';
import { MAX_KEY_LENGTH } from './key-format';
import { decodeStoreData, emptyStoreData } from './store-data';

const PATH = '/home/u/.config/localagent/keys.enc';
const at = '2026-01-02T03:04:05.678Z';
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const entry = (key: string): Record<string, string> => ({ key, createdAt: at, updatedAt: at });

function problem(plaintext: Buffer): StorageError {
  let caught: unknown;
  try {
    decodeStoreData(plaintext, PATH);
  } catch (error) {
    caught = error;
  }
  expect(StorageError.isInstance(caught)).toBe(true);
  return caught as StorageError;
}

describe('decodeStoreData', () => {
  it('returns the keys in a null-prototype record of fresh entries', () => {
    const openai = fakeKeys.openai();
    const data = decodeStoreData(
      json({
        version: 1,
        keys: { openai: { ...entry(openai), extra: 1 }, constructor: entry('k') },
      }),
      PATH,
    );
    expect(data.version).toBe(1);
    expect(Object.getPrototypeOf(data.keys)).toBeNull();
    expect(data.keys['openai']).toEqual(entry(openai));
    expect(data.keys['constructor']).toEqual(entry('k'));
    expect(Object.keys(data.keys)).toEqual(['openai', 'constructor']);
    expect(decodeStoreData(json({ version: 1, keys: {} }), PATH)).toEqual(emptyStoreData());
  });

  it.each([
    ['not JSON', Buffer.from('{"version":1,'), 'not_utf8_json'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'not_utf8_json'],
    ['a JSON array', json([1]), 'not_an_object'],
    ['null', json(null), 'not_an_object'],
    ['a string', json('keys'), 'not_an_object'],
    ['version 2', json({ version: 2, keys: {} }), 'unsupported_version'],
    ['version "1"', json({ version: '1', keys: {} }), 'unsupported_version'],
    ['no keys', json({ version: 1 }), 'keys_not_an_object'],
    ['keys as an array', json({ version: 1, keys: [entry('k')] }), 'keys_not_an_object'],
    ['keys null', json({ version: 1, keys: null }), 'keys_not_an_object'],
    [
      'a bad provider name',
      json({ version: 1, keys: { 'Open AI': entry('k') } }),
      'invalid_provider_name',
    ],
    [
      'a __proto__ provider',
      Buffer.from(`{"version":1,"keys":{"__proto__":${JSON.stringify(entry('k'))}}}`),
      'invalid_provider_name',
    ],
    [
      'an entry that is a string',
      json({ version: 1, keys: { openai: 'k' } }),
      'entry_not_an_object',
    ],
    ['an entry that is null', json({ version: 1, keys: { openai: null } }), 'entry_not_an_object'],
    [
      'a numeric key',
      json({ version: 1, keys: { openai: { ...entry('k'), key: 42 } } }),
      'invalid_key',
    ],
    ['an empty key', json({ version: 1, keys: { openai: entry('') } }), 'invalid_key'],
    [
      'a huge key',
      json({ version: 1, keys: { openai: entry('k'.repeat(MAX_KEY_LENGTH + 1)) } }),
      'invalid_key',
    ],
    [
      'a missing createdAt',
      json({ version: 1, keys: { openai: { key: 'k', updatedAt: at } } }),
      'invalid_timestamp',
    ],
    [
      'a numeric updatedAt',
      json({ version: 1, keys: { openai: { ...entry('k'), updatedAt: 1 } } }),
      'invalid_timestamp',
    ],
    [
      'a huge timestamp',
      json({ version: 1, keys: { openai: { ...entry('k'), createdAt: at.repeat(10) } } }),
      'invalid_timestamp',
    ],
  ])(
    'refuses %s with a StorageError and a reason code, never a TypeError',
    (_label, plaintext, reasonCode) => {
      const error = problem(plaintext);
      expect(error.message).toBe(`The decrypted content of ${PATH} is not a key store.`);
      expect(error.details).toMatchObject({ path: PATH, reasonCode });
    },
  );

  it('never puts key material in the error (message, details, cause)', () => {
    const secret = fakeKeys.anthropic();
    for (const plaintext of [
      Buffer.from(`{"version":1,"keys":{"anthropic":{"key":"${secret}"`),
      json({ version: 1, keys: { anthropic: { key: secret, createdAt: 5, updatedAt: at } } }),
      json({ version: 1, keys: { [secret]: entry(secret) } }),
    ]) {
      const text = JSON.stringify(problem(plaintext).toJSON({ stack: true }));
      expect(text).not.toContain(secret.slice(8, 30));
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase().slice(8, 30));
    }
  });
});
