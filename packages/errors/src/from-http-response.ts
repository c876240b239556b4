import {
  type HeadersLike,
  requestIdFromHeaders,
  retryAfterFromHeaders,
  shouldRetryFromHeaders,
} from './http-headers.js';
import { readProviderBody, type ProviderBodyInfo } from './provider-body.js';
import {
  AuthenticationError,
  ContentFilteredError,
  InvalidRequestError,
  ProviderError,
  ProviderUnavailableError,
  QuotaExceededError,
  RateLimitError,
  type ProviderErrorOptions,
} from './provider-errors.js';

export interface HttpResponseInput {
  /** `openai`, `anthropic`, `gemini`, `azure`, `mistral`, `groq`, `openrouter`, `ollama`… */
  provider: string;
  /** The HTTP status. For an error event inside a 200 streaming response, pass 200: the body decides. */
  status: number;
  headers?: HeadersLike | null | undefined;
  /** The parsed JSON body, or the raw text (JSON is parsed when possible). */
  body?: unknown;
  /** The original error (e.g. the SDK's), kept as `cause`. */
  cause?: unknown;
  /** Clock used to turn a `retry-after` HTTP date into a wait. */
  now?: (() => number) | undefined;
}

/** Provider error types that mean a status, for errors sent inside a 200 stream. */
const TYPE_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  api_error: 500,
  server_error: 500,
  overloaded_error: 529,
};

/** Google RPC status names and their HTTP statuses. */
const GRPC_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Codes that say the account is out of quota or credit: a 429 with one of them is not a rate limit. */
const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'quota_exceeded',
]);
const AUTH_CODES = new Set([
  'invalid_api_key',
  'authentication_error',
  'permission_error',
  'API_KEY_INVALID',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
]);
/** Out of credit whatever the status (Anthropic sends 400 "Your credit balance is too low…", OpenRouter 402). */
const NO_CREDIT = /credit balance is too low|insufficient (?:credits|funds|balance)/i;
/** Quota ids (Gemini `QuotaFailure`) and messages of limits that reset in days, or never without paying. */
const LONG_QUOTA_ID = /Per(?:Day|Month)/i;
const SHORT_QUOTA_ID = /Per(?:Second|Minute|Hour)/i;
const LONG_QUOTA_MESSAGE =
  /\b(?:daily|monthly|per[ -]?(?:day|month)|billing|credits?)\b|\/ ?(?:day|month)\b/i;
/** The provider names a wait ("Please try again in 7m4.5s"): a rolling window, however long, not an exhausted quota. */
const NAMES_A_WAIT = /\btry again in\b/i;
const SHORT_QUOTA_MESSAGE = /per[ -]?(?:second|min(?:ute)?)\b|\b[RT]P[MS]\b/i;

/**
 * Gemini answers both "slow down" and "your daily or billing quota is gone" with 429
 * RESOURCE_EXHAUSTED (and the same message); the quota ids tell them apart, else the message.
 * Only consulted when the response carries no retry hint.
 */
function isLongQuota(info: ProviderBodyInfo, retryAfterMs: number | undefined): boolean {
  // a per-day quota id decides even when a RetryInfo comes with it (Google's gemini-cli treats any
  // daily quota as terminal: the wait it names is until a reset hours away, or a guess)
  if (info.reasons.some((r) => LONG_QUOTA_ID.test(r))) return true;
  if (info.reasons.some((r) => SHORT_QUOTA_ID.test(r)) || retryAfterMs !== undefined) return false;
  const message = info.message ?? '';
  if (NAMES_A_WAIT.test(message)) return false;
  return LONG_QUOTA_MESSAGE.test(message) && !SHORT_QUOTA_MESSAGE.test(message);
}

/**
 * A refusal by the provider's safety system, in the providers' words: OpenAI "rejected as a result of
 * our safety system", OpenRouter "requires moderation … input was flagged", Anthropic "content
 * filtering policy".
 */
const CONTENT_POLICY_MESSAGE =
  /\bsafety system\b|\bflagged\b|\bmoderation\b|content (?:filtering |management )?policy/i;
const CONTENT_POLICY_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'ResponsibleAIPolicyViolation',
  'moderation_blocked',
]);
/** OpenAI's 429 for one request above the tokens-per-minute limit: it can never succeed as it is. */
const REQUEST_TOO_LARGE =
  /request too large\b.*\bmust be reduced|request too large for .* per min/is;
/**
 * Non-standard statuses that mean "try again": Groq's 498 (flex tier at capacity; Groq says retry
 * with backoff) and 499 (Cohere: the request was cancelled before it finished).
 */
const TRY_AGAIN_STATUSES = new Set([498, 499]);
/** The provider does not serve the caller's country or region (OpenAI 403, Gemini 400 FAILED_PRECONDITION). */
const UNSUPPORTED_REGION =
  /location is not supported|unsupported_country|country, region,? or territory/i;

function isError(status: number): boolean {
  return status >= 400 && status <= 599;
}

/** The status that decides: the HTTP one, or for an error inside a 200 stream the one the body implies. */
function effectiveStatus(status: number, info: ProviderBodyInfo): number {
  if (isError(status)) return status;
  const fromCode =
    info.code !== undefined && /^\d{3}$/.test(info.code) ? Number(info.code) : undefined;
  if (fromCode !== undefined && isError(fromCode)) return fromCode;
  return (
    TYPE_STATUS[info.type ?? ''] ??
    TYPE_STATUS[info.code ?? ''] ??
    GRPC_STATUS[info.grpcStatus ?? ''] ??
    status
  );
}

function isUnsupportedRegion(info: ProviderBodyInfo): boolean {
  return [info.message, info.code].some(
    (text) => text !== undefined && UNSUPPORTED_REGION.test(text),
  );
}

type ProviderErrorClass = new (options: ProviderErrorOptions) => ProviderError;

function pickClass(
  status: number,
  info: ProviderBodyInfo,
  retryAfterMs: number | undefined,
): ProviderErrorClass {
  const codes = [info.type, info.code, info.innerCode, info.grpcStatus, ...info.reasons].filter(
    (c) => c !== undefined,
  );
  const message = info.message ?? '';
  if (codes.some((c) => CONTENT_POLICY_CODES.has(c))) return ContentFilteredError;
  if ((status === 400 || status === 403) && CONTENT_POLICY_MESSAGE.test(message))
    return ContentFilteredError;
  if (codes.some((c) => QUOTA_CODES.has(c)) || status === 402 || NO_CREDIT.test(message))
    return QuotaExceededError;
  // 498 is Groq's "flex tier at capacity" but Cohere's "invalid token"
  const invalidToken = status === 498 && /invalid\b.*\btoken/i.test(message);
  if (
    status === 401 ||
    status === 403 ||
    invalidToken ||
    codes.some((c) => AUTH_CODES.has(c)) ||
    isUnsupportedRegion(info)
  )
    return AuthenticationError;
  if (status === 429 && REQUEST_TOO_LARGE.test(message)) return InvalidRequestError;
  if (status === 429 || info.type === 'rate_limit_error')
    return isLongQuota(info, retryAfterMs) ? QuotaExceededError : RateLimitError;
  if (
    status === 408 ||
    status === 409 ||
    status >= 500 ||
    TRY_AGAIN_STATUSES.has(status) ||
    info.type === 'overloaded_error'
  )
    return ProviderUnavailableError;
  if (status >= 400) return InvalidRequestError;
  return ProviderError;
}

/** A suggestion better than the class default, when the body tells us more. */
function specificSuggestion(
  provider: string,
  status: number,
  info: ProviderBodyInfo,
): string | undefined {
  if (status === 429) {
    return `This one request is above ${provider}'s tokens-per-minute limit: shorten the input or lower max tokens (or raise the limit); retrying it unchanged cannot succeed.`;
  }
  const model = /model\s+["'`]?([^"'`\s]+?)["'`]?\s+(?:not found|does not exist)/i.exec(
    info.message ?? '',
  )?.[1];
  if (provider.toLowerCase() === 'ollama' && model !== undefined) {
    return `Pull the model with \`ollama pull ${model}\`, or pick an installed one (\`ollama list\`).`;
  }
  if (status === 404 || info.code === 'model_not_found' || model !== undefined) {
    return `Check the model name and endpoint: ${provider} does not know ${model === undefined ? 'this model or path' : `\`${model}\``}.`;
  }
  return undefined;
}

/**
 * Maps a provider's HTTP error response (status, headers, body) onto the taxonomy. Works with the
 * raw response of any supported provider and with errors that arrive inside a 200 stream.
 */
export function fromHttpResponse(input: HttpResponseInput): ProviderError {
  const { provider, status, headers } = input;
  const info = readProviderBody(input.body);
  const retryAfterMs = retryAfterFromHeaders(headers, input.now) ?? info.retryDelayMs;
  const effective = effectiveStatus(status, info);
  const ErrorClass = pickClass(effective, info, retryAfterMs);
  const shouldRetry = shouldRetryFromHeaders(headers);
  const providerCode =
    info.code !== undefined && !/^\d+$/.test(info.code)
      ? info.code
      : (info.type ?? info.grpcStatus);
  const what = info.message ?? 'no error message in the response';
  // an error status says so; a 200 carrying an error event (streaming) does not
  const message = isError(status)
    ? `${provider} returned HTTP ${status}: ${what}`
    : `${provider} sent an error in a ${status} response: ${what}`;
  const suggestion =
    ErrorClass === InvalidRequestError
      ? specificSuggestion(provider, effective, info)
      : ErrorClass === AuthenticationError && isUnsupportedRegion(info)
        ? `${provider} does not serve requests from your country or region, whatever the key: use a provider or deployment region available where you are.`
        : undefined;
  const details: Record<string, unknown> = {};
  if (info.type !== undefined && info.type !== providerCode) details['type'] = info.type;
  if (info.param !== undefined) details['param'] = info.param;
  if (
    info.grpcStatus !== undefined &&
    info.grpcStatus !== providerCode &&
    !/^\d+$/.test(info.grpcStatus)
  )
    details['grpcStatus'] = info.grpcStatus;
  if (info.reasons.length > 0) details['reasons'] = info.reasons;
  return new ErrorClass({
    message,
    provider,
    status,
    requestId: requestIdFromHeaders(headers) ?? info.requestId,
    providerCode,
    retryAfterMs,
    // x-should-retry is the server's own verdict: it overrides ours both ways
    retryable: shouldRetry,
    suggestion,
    details,
    cause: input.cause,
  });
}
