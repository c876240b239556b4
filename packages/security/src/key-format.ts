import { InvalidKeyError } from '@localagent/errors';
import {
  providerOwningPrefix,
  resolveProvider,
  type CustomProviderConfig,
  type ProviderInfo,
} from './providers.js';

/** Longer than any provider's key; a longer paste is a mistake (a whole file, a JSON blob). */
export const MAX_KEY_LENGTH = 2048;

// Printable ASCII without space: every provider's keys fit, and it rejects whitespace, control
// characters and look-alike Unicode in one test.
const PRINTABLE = /^[\x21-\x7e]+$/;

/** Trims exactly one trailing newline (what `echo key |` or a copied line adds), nothing else. */
export function normalizeKey(key: string): string {
  if (key.endsWith('\r\n')) return key.slice(0, -2);
  if (key.endsWith('\n')) return key.slice(0, -1);
  return key;
}

/**
 * Throws `InvalidKeyError` when `key` cannot be a key for `provider`. Messages describe the
 * problem and the expected shape and never contain the key itself. Returns the normalized key.
 */
export function validateKeyFormat(
  provider: string | ProviderInfo,
  key: string,
  customProviders?: Readonly<Record<string, CustomProviderConfig>>,
): string {
  const info = typeof provider === 'string' ? resolveProvider(provider, customProviders) : provider;
  return checkKey(info, key, true);
}

/** The checks behind validateKeyFormat; `checkFormat: false` applies only the generic ones. */
export function checkKey(info: ProviderInfo, key: string, checkFormat: boolean): string {
  const fail = (reason: string, suggestion?: string): never => {
    throw new InvalidKeyError({
      message: `The ${info.displayName} key ${reason}.`,
      details: { provider: info.name },
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  };
  if (typeof key !== 'string') return fail('is not a string');
  const normalized = normalizeKey(key);
  if (normalized.length === 0) return fail('is empty');
  if (normalized.length > MAX_KEY_LENGTH)
    return fail(`is longer than ${MAX_KEY_LENGTH} characters`);
  if (normalized.trim().length === 0) return fail('is only whitespace');
  if (/\s/.test(normalized)) return fail('contains whitespace (a space, tab or line break)');
  // eslint-disable-next-line no-control-regex -- detecting control characters is the point
  if (/[\x00-\x1f\x7f]/.test(normalized)) return fail('contains control characters');
  if (!PRINTABLE.test(normalized)) return fail('contains characters outside printable ASCII');
  const owner =
    checkFormat && info.refusesOtherProvidersKeys ? providerOwningPrefix(normalized) : undefined;
  if (owner !== undefined && owner.name !== info.name) {
    return fail(
      `starts with a prefix only ${owner.displayName} keys have`,
      `This looks like ${article(owner.displayName)} ${owner.displayName} key: store it with \`localagent config set-key ${owner.name}\`.`,
    );
  }
  if (checkFormat && info.keyPattern !== undefined && !info.keyPattern.test(normalized)) {
    return fail(
      `does not have the expected format (${info.formatHint ?? 'see the provider documentation'})`,
    );
  }
  return normalized;
}

// `an xAI`, `an OpenAI`, `a Groq`
const article = (name: string): string => (/^[aeioux]/i.test(name) ? 'an' : 'a');

/**
 * What `listKeys` shows instead of a key: the provider's public prefix and the last 4 characters,
 * e.g. `sk-proj-…a1b2`. Short keys show no suffix (4 characters would be a large part of them).
 */
export function fingerprint(info: ProviderInfo, key: string): string {
  const prefix =
    info.publicPrefixes.find((p) => key.startsWith(p) && key.length > p.length + 8) ?? '';
  const suffix = key.length >= 16 ? key.slice(-4) : '';
  return `${prefix}…${suffix}`;
}
