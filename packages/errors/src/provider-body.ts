/** What every provider's error body says, read from whichever shape it uses. */
export interface ProviderBodyInfo {
  message: string | undefined;
  /** OpenAI/Anthropic `error.type` (`rate_limit_error`, `insufficient_quota`…). */
  type: string | undefined;
  /** OpenAI `error.code` (`insufficient_quota`, `content_filter`…) or Gemini/OpenRouter numeric code as text. */
  code: string | undefined;
  param: string | undefined;
  /** Gemini `error.status` (`RESOURCE_EXHAUSTED`…). */
  grpcStatus: string | undefined;
  /** Azure `error.innererror.code` (`ResponsibleAIPolicyViolation`). */
  innerCode: string | undefined;
  /** Gemini `RetryInfo.retryDelay`, in ms. */
  retryDelayMs: number | undefined;
  /** Gemini `ErrorInfo.reason` and `QuotaFailure` quota ids, e.g. `API_KEY_INVALID`, `GenerateRequestsPerDayPerProjectPerModel`. */
  reasons: string[];
  /** Anthropic's body-level `request_id`. */
  requestId: string | undefined;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * The body as JSON when it is JSON (or embeds it, like the Gemini SDK's "got status: 429 … {json}"
 * messages), otherwise the text. Bytes are decoded as UTF-8.
 */
export function parseBody(body: unknown): unknown {
  if (body instanceof Uint8Array || body instanceof ArrayBuffer)
    return parseBody(new TextDecoder().decode(body));
  if (typeof body !== 'string') return body;
  const trimmed = body.trim();
  for (const candidate of [
    trimmed,
    trimmed.slice(trimmed.indexOf('{'), trimmed.lastIndexOf('}') + 1),
  ]) {
    if (!candidate.startsWith('{') && !candidate.startsWith('[')) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // not JSON: try the next candidate, then keep the text
    }
  }
  return trimmed;
}

/** Plain-text summary of a non-JSON body (an HTML error page from a proxy, a bare string). */
function summariseText(raw: string): string | undefined {
  const title = /<title>([^<]*)<\/title>/i.exec(raw)?.[1];
  const plain = (title ?? raw.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  if (plain === '') return undefined;
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain;
}

/** Proto3 JSON durations are "37s" or "1.5s"; a non-JSON encoding gives `{ seconds, nanos }`. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    const seconds = /^[0-9.]+s$/.test(trimmed) ? Number(trimmed.slice(0, -1)) : Number.NaN;
    return Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : undefined;
  }
  if (isRecord(value)) {
    const seconds = Number(value['seconds'] ?? 0);
    const nanos = Number(value['nanos'] ?? 0);
    if (Number.isFinite(seconds) && Number.isFinite(nanos))
      return Math.ceil(seconds * 1000 + nanos / 1e6);
  }
  return undefined;
}

function readGoogleDetails(details: unknown, info: ProviderBodyInfo): void {
  if (!Array.isArray(details)) return;
  for (const detail of details) {
    if (!isRecord(detail)) continue;
    const kind = text(detail['@type']) ?? '';
    if (kind.endsWith('google.rpc.RetryInfo')) info.retryDelayMs = durationMs(detail['retryDelay']);
    const reason = text(detail['reason']);
    if (reason !== undefined) info.reasons.push(reason);
    const violations = detail['violations'];
    if (Array.isArray(violations)) {
      for (const violation of violations) {
        const quotaId = isRecord(violation) ? text(violation['quotaId']) : undefined;
        if (quotaId !== undefined) info.reasons.push(quotaId);
      }
    }
  }
}

/**
 * Reads OpenAI/Azure/Groq/Mistral/OpenRouter `{error:{message,type,param,code}}`, Anthropic
 * `{type:'error', error:{type,message}}`, Gemini `{error:{code,message,status,details}}` (also
 * wrapped in an array), Ollama `{error:"…"}`, flat `{message,type,code}` (Mistral, openai-node's
 * `APIError.error`) and plain text.
 */
export function readProviderBody(body: unknown): ProviderBodyInfo {
  const info: ProviderBodyInfo = {
    message: undefined,
    type: undefined,
    code: undefined,
    param: undefined,
    grpcStatus: undefined,
    innerCode: undefined,
    retryDelayMs: undefined,
    reasons: [],
    requestId: undefined,
  };
  let parsed = parseBody(body);
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (typeof parsed === 'string') {
    info.message = summariseText(parsed);
    return info;
  }
  if (!isRecord(parsed)) return info;
  info.requestId = text(parsed['request_id']);
  const inner = parsed['error'];
  if (typeof inner === 'string') {
    info.message = inner;
    return info;
  }
  const error = isRecord(inner) ? inner : parsed;
  info.message = text(error['message']);
  info.type = text(error['type']);
  info.code = text(error['code']);
  info.param = text(error['param']);
  info.grpcStatus = text(error['status']);
  const innerError = error['innererror'];
  if (isRecord(innerError)) info.innerCode = text(innerError['code']);
  readGoogleDetails(error['details'], info);
  return info;
}
