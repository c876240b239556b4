import { isErrorLike } from './is-error-like.js';

/** What masked text is replaced with, everywhere in LocalAgent. */
export const REDACTED = '[REDACTED]';

// Where a credential may start: not inside a word (`task-…` is not a key), except right after a
// percent-encoded byte (`%20sk-…`, `%3DAIza…` in URLs), a digit or `_` (`id_sk-…`). `\b` alone
// missed all of these. Prefixes distinctive enough on their own (AIza, ghp_, AKIA…) need no guard.
const START = '(?:(?<![A-Za-z])|(?<=%[0-9A-Fa-f]{2}))';

function guarded(source: string, flags = 'g'): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the constant patterns below
  return new RegExp(source, flags);
}

/**
 * Credential shapes, deliberately looser than a secret scanner's: a false mask costs little,
 * a missed key leaks. Each pattern is global and matches the whole credential.
 */
export const SECRET_PATTERNS: readonly RegExp[] = [
  // A key fragment a provider echoes back, e.g. OpenAI's 401 "Incorrect API key provided: sk-proj-****abcd".
  // Listed first: the next pattern would stop at the asterisks and leave the key's last characters.
  guarded(`${START}sk-[A-Za-z0-9_-]{0,256}\\*[A-Za-z0-9_*-]{0,256}`),
  // Anthropic sk-ant-…, OpenAI sk-…/sk-proj-…/sk-svcacct-…, DeepSeek, OpenRouter sk-or-… and similar
  guarded(`${START}sk-[A-Za-z0-9_-]{8,}`),
  // Google AIza…
  /AIza[0-9A-Za-z_-]{20,}/g,
  // GitHub tokens
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  // Slack tokens
  /xox[a-z]-[A-Za-z0-9-]{10,}/g,
  // AWS access key ids
  /(?:AKIA|ASIA)[0-9A-Z]{16,}/g,
  // Groq gsk_…, Hugging Face hf_…, xAI xai-…, Replicate r8_…, Perplexity pplx-…
  guarded(`${START}gsk_[A-Za-z0-9]{20,}`),
  guarded(`${START}hf_[A-Za-z0-9]{20,}`),
  guarded(`${START}xai-[A-Za-z0-9]{20,}`),
  guarded(`${START}r8_[A-Za-z0-9]{20,}`),
  guarded(`${START}pplx-[A-Za-z0-9]{20,}`),
  // JSON Web Tokens
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // Authorization header values, also percent-encoded (`Bearer%20sk-…`)
  guarded(`${START}(?:Bearer|Basic|Token)(?:\\s+|%20)[A-Za-z0-9._~+/=-]{8,}`, 'gi'),
  // query-string keys: ?key=…, &api_key=…, access_token=…, also percent-encoded (`%3D`)
  guarded(`${START}(?:api[_-]?key|access[_-]?token|key|token|secret|password)(?:=|%3D)[^&\\s"']{6,}`, 'gi'),
];

// user:pass@ in URLs keeps the scheme and host readable. Quantifiers here and in the echoed-fragment
// pattern are bounded: unbounded ones backtrack quadratically on long inputs such as 'sk-'.repeat(1e5).
const AUTH_SCHEME = /^(?:Bearer|Basic|Token)(?:\s|%20)/i;
const PARAMETER = /^[A-Za-z_-]+(?:=|%3D)/i;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{1,256}:[^/\s@]{1,256}@/gi;

/** Replaces every credential-looking substring with `[REDACTED]`. */
export function maskSecrets(text: string): string {
  let out = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, (match) => {
      // keep the scheme or parameter name so the text still says what was there; an '=' inside a
      // Basic/Bearer value is base64 padding, not a parameter, so the scheme is tested first
      const scheme = AUTH_SCHEME.exec(match);
      if (scheme !== null) return `${scheme[0]}${REDACTED}`;
      const parameter = PARAMETER.exec(match);
      if (parameter !== null) return `${parameter[0]}${REDACTED}`;
      return REDACTED;
    });
  }
  return out;
}

const SECRET_FIELD = /^(?:authorization|proxy-authorization|cookie|set-cookie|password|passphrase|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key|x-api-key|x-goog-api-key|api-key|private[_-]?key|master[_-]?password|key)$/i;

/** True when a field of this name holds a credential whatever its value looks like. */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name);
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
    out[k] = isSecretFieldName(k) && v !== undefined && v !== null && v !== '' ? REDACTED : maskDetails(v, seen);
  }
  return out as T;
}
