import { fromHttpResponse } from './from-http-response.js';
import type { ProviderError } from './provider-errors.js';

export interface FromResponseOptions {
  /** `openai`, `anthropic`, `gemini`… */
  provider: string;
  /** Clock used to turn a `retry-after` HTTP date into a wait. */
  now?: (() => number) | undefined;
}

/** Response bodies larger than this are cut before parsing: an error body is small, an HTML page need not be read whole. */
const MAX_BODY_BYTES = 64 * 1024;

async function readBody(response: Response): Promise<string | undefined> {
  if (response.body === null || response.bodyUsed) return undefined;
  const reader = response.clone().body?.getReader();
  if (reader === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a body cut mid-way still has its first bytes to classify
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES));
}

/**
 * Classifies a fetch `Response` with its body, read from a clone (the original stays readable): an
 * exhausted quota and a rate limit share status 429 and differ only in the body, which
 * `classifyError(response)` cannot read synchronously.
 */
export async function fromResponse(
  response: Response,
  options: FromResponseOptions,
): Promise<ProviderError> {
  const body = await readBody(response);
  return fromHttpResponse({
    provider: options.provider,
    status: response.status,
    headers: response.headers,
    body,
    cause: response,
    now: options.now,
  });
}
