import { isErrorLike } from './is-error-like.js';

/** What masked text is replaced with, everywhere in LocalAgent. */
export const REDACTED = '[REDACTED]';

/**
 * Credential shapes, deliberately looser than a secret scanner's: a false mask costs little,
 * a missed key leaks. Each pattern is global and matches the whole credential.
 */
export const SECRET_PATTERNS: readonly RegExp[] = [
  // A key fragment a provider echoes back, e.g. OpenAI's 401 "Incorrect API key provided: sk-proj-****abcd".
  // Listed first: the next pattern would stop at the asterisks and leave the key's last characters.
  /\bsk-[A-Za-z0-9_-]{0,256}\*[A-Za-z0-9_*-]{0,256}/g,
  // Anthropic sk-ant-…, OpenAI sk-…/sk-proj-…/sk-svcacct-…, DeepSeek, OpenRouter sk-or-… and similar
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  // Google AIza…
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  // GitHub tokens
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  // Slack tokens
  /\bxox[a-z]-[A-Za-z0-9-]{10,}/g,
  // AWS access key ids
  /\b(?:AKIA|ASIA)[0-9A-Z]{16,}/g,
  // Groq gsk_…, Hugging Face hf_…, xAI xai-…, Replicate r8_…, Perplexity pplx-…
  /\bgsk_[A-Za-z0-9]{20,}/g,
  /\bhf_[A-Za-z0-9]{20,}/g,
  /\bxai-[A-Za-z0-9]{20,}/g,
  /\br8_[A-Za-z0-9]{20,}/g,
  /\bpplx-[A-Za-z0-9]{20,}/g,
  // JSON Web Tokens
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // Authorization header values
  /\b(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // query-string keys: ?key=…, &api_key=…, access_token=…
  /\b(?:api[_-]?key|access[_-]?token|key|token|secret|password)=[^&\s"']{6,}/gi,
];

// user:pass@ in URLs keeps the scheme and host readable. Quantifiers here and in the echoed-fragment
// pattern are bounded: unbounded ones backtrack quadratically on long inputs such as 'sk-'.repeat(1e5).
const AUTH_SCHEME = /^(?:Bearer|Basic|Token)\s/i;
const PARAMETER = /^[A-Za-z_-]+=/;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{1,256}:[^/\s@]{1,256}@/gi;

/** Replaces every credential-looking substring with `[REDACTED]`. */
export function maskSecrets(text: string): string {
  let out = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, (match) => {
      // keep the scheme or parameter name so the text still says what was there; an '=' inside a
      // Basic/Bearer value is base64 padding, not a parameter, so the scheme is tested first
      if (AUTH_SCHEME.test(match)) return `${match.slice(0, match.search(/\s/) + 1)}${REDACTED}`;
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
