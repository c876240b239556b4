import { StorageError } from '@localagent/errors';
import { MAX_KEY_LENGTH } from './key-format.js';
import { isValidProviderName } from './provider-name.js';

export interface StoredKey {
  key: string;
  createdAt: string;
  updatedAt: string;
}

/** The plaintext inside the envelope: provider names are encrypted too. */
export interface StoreData {
  version: 1;
  /** A null-prototype record: a provider named `constructor` does not find Object.prototype's. */
  keys: Record<string, StoredKey>;
}

/** What is wrong with the content, for `details.reasonCode` (never the content itself). */
export type StoreDataProblem =
  | 'not_utf8_json'
  | 'not_an_object'
  | 'unsupported_version'
  | 'keys_not_an_object'
  | 'invalid_provider_name'
  | 'entry_not_an_object'
  | 'invalid_key'
  | 'invalid_timestamp';

/** An ISO timestamp is 24 characters; this leaves room for other offsets and precisions. */
const MAX_TIMESTAMP_LENGTH = 64;

export function emptyStoreData(): StoreData {
  return { version: 1, keys: Object.create(null) as Record<string, StoredKey> };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isShortString = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * Parses the decrypted content of a key file strictly: `{ version: 1, keys: { <provider>: { key,
 * createdAt, updatedAt } } }`. Anything else is a `StorageError` naming what is wrong (a reason
 * code) but never the content: it holds keys. Entries are copied into fresh objects, so nothing
 * the content declares (`__proto__`, extra fields) reaches the caller.
 */
export function decodeStoreData(plaintext: Buffer, path: string): StoreData {
  const fail = (reasonCode: StoreDataProblem, cause?: unknown): never => {
    throw new StorageError({
      message: `The decrypted content of ${path} is not a key store.`,
      details: { path, reasonCode },
      ...(cause === undefined ? {} : { cause }),
      suggestion:
        'Restore the file from a backup, or move it aside and store your keys again (`localagent config set-key <provider>`).',
    });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    // not the parser's message as the cause: it quotes the content
    return fail('not_utf8_json');
  }
  if (!isRecord(parsed)) return fail('not_an_object');
  if (parsed['version'] !== 1) return fail('unsupported_version');
  const keys = parsed['keys'];
  if (!isRecord(keys)) return fail('keys_not_an_object');
  const data = emptyStoreData();
  for (const provider of Object.keys(keys)) {
    if (!isValidProviderName(provider)) return fail('invalid_provider_name');
    const entry = keys[provider];
    if (!isRecord(entry)) return fail('entry_not_an_object');
    const { key, createdAt, updatedAt } = entry;
    if (!isShortString(key, MAX_KEY_LENGTH)) return fail('invalid_key');
    if (!isShortString(createdAt, MAX_TIMESTAMP_LENGTH)) return fail('invalid_timestamp');
    if (!isShortString(updatedAt, MAX_TIMESTAMP_LENGTH)) return fail('invalid_timestamp');
    data.keys[provider] = { key, createdAt, updatedAt };
  }
  return data;
}
