import { isErrorLike } from './is-error-like.js';
import { registeredSecretsMatcher } from './secret-registry.js';
import { SECRET_ANCHORS, SECRET_PATTERNS, URL_CREDENTIALS } from './secret-patterns.js';

/** What masked text is replaced with, everywhere in LocalAgent. */
export const REDACTED = '[REDACTED]';

/** Patterns with a capturing group keep what it matched (a marker, a scheme, a host) and mask the rest. */
function hasGroup(pattern: RegExp): boolean {
  // eslint-disable-next-line security/detect-non-literal-regexp -- a constant pattern plus an empty branch, to count its groups
  return new RegExp(`${pattern.source}|`).exec('')!.length > 1;
}
const KEEPS_PREFIX = new Set(SECRET_PATTERNS.filter(hasGroup));
/** Closing punctuation that a value greedy up to whitespace took from around it (`"Bearer …"}`). */
const TRAILING_PUNCTUATION = /["'`)\]}>,;.]+$/;

function maskMatch(pattern: RegExp, match: string, prefix: unknown): string {
  if (!KEEPS_PREFIX.has(pattern) || typeof prefix !== 'string') return REDACTED;
  const trailing = TRAILING_PUNCTUATION.exec(match.slice(prefix.length))?.[0] ?? '';
  return `${prefix}${REDACTED}${trailing}`;
}

/**
 * Replaces every credential-looking substring with `[REDACTED]`: registered secrets (see
 * `registerSecret`), credentials in URLs, and every pattern of {@link SECRET_FAMILIES}. Markers,
 * schemes and hosts stay readable (`api_key=[REDACTED]`, `Bearer [REDACTED]`,
 * `postgres://[REDACTED]@db`). Returns the same string when nothing needed masking. Every
 * quantifier is bounded, so the cost stays linear in the length of the text.
 */
export function maskSecrets(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  const registered = registeredSecretsMatcher();
  if (registered !== null) registered.lastIndex = 0;
  const hasRegistered = registered !== null && registered.test(text);
  if (!hasRegistered && !SECRET_ANCHORS.test(text)) return text;
  let out = text;
  if (registered !== null && hasRegistered) {
    registered.lastIndex = 0;
    out = out.replace(registered, REDACTED);
  }
  out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, (match: string, prefix: unknown) =>
      maskMatch(pattern, match, prefix),
    );
  }
  return out;
}

const SECRET_FIELD =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|password|passphrase|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key|x-api-key|x-goog-api-key|api-key|private[_-]?key|master[_-]?password|key)$/i;
/** Any name ending in one of these words (`db_password`, `githubToken`, `AWS_SECRET_ACCESS_KEY`). */
const SECRET_FIELD_SUFFIX =
  /(?:^|[_.\s-])(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|auth|authorization|cookie|set[_-]cookie|credentials?|private[_-]?key|client[_-]?secret|session[_-]?(?:id|token|key)|access[_-]?key|secret[_-]?key|account[_-]?key|sig|signature)$/i;

/** True when a field of this name holds a credential whatever its value looks like. */
export function isSecretFieldName(name: string): boolean {
  if (SECRET_FIELD.test(name)) return true;
  // camelCase to snake_case: `githubToken` ends in the word `token`
  return SECRET_FIELD_SUFFIX.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** Copy of `value` with secret fields and credential-looking strings masked, at any depth. */
export function maskDetails<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => maskDetails(item, seen)) as T;
  if (isErrorLike(value)) return { name: value.name, message: maskSecrets(value.message) } as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      isSecretFieldName(k) && v !== undefined && v !== null && v !== ''
        ? REDACTED
        : maskDetails(v, seen);
  }
  return out as T;
}
