/** Response headers as a fetch `Headers` object or a plain record (Node's `IncomingHttpHeaders`, SDK records). */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | null | undefined>>;

/** The value of header `name`, case-insensitively, or undefined. Repeated values are joined with ", ". */
export function getHeader(
  headers: HeadersLike | null | undefined,
  name: string,
): string | undefined {
  if (headers === null || headers === undefined || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value === null ? undefined : value;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === null || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

/** A plain non-negative decimal ("1.5", "30"), or undefined. */
function nonNegativeNumber(value: string | undefined): number | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || !/^[0-9.]+$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure) wins over
 * `retry-after`, which is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 */
export function retryAfterFromHeaders(
  headers: HeadersLike | null | undefined,
  now: () => number = Date.now,
): number | undefined {
  const ms = nonNegativeNumber(getHeader(headers, 'retry-after-ms'));
  if (ms !== undefined) return Math.ceil(ms);
  const value = getHeader(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  const seconds = nonNegativeNumber(value);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/** `x-should-retry: true|false` (sent by OpenAI and Anthropic) as a boolean, or undefined when absent. */
export function shouldRetryFromHeaders(
  headers: HeadersLike | null | undefined,
): boolean | undefined {
  const value = getHeader(headers, 'x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'request-id',
  'apim-request-id',
  'x-ms-request-id',
  'x-goog-request-id',
];

/** The provider's request id (OpenAI `x-request-id`, Anthropic `request-id`, Azure `apim-request-id`…). */
export function requestIdFromHeaders(headers: HeadersLike | null | undefined): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = getHeader(headers, name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
