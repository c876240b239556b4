import { AbortedError } from './aborted-error.js';
import { explain } from './catalog.js';
import { fromHttpResponse } from './from-http-response.js';
import type { HeadersLike } from './http-headers.js';
import { LocalAgentError } from './local-agent-error.js';
import { StorageError } from './local-errors.js';
import { NetworkError, TimeoutError } from './provider-errors.js';
import { isErrorLike } from './is-error-like.js';

export interface ClassifyContext {
  /** The provider the failed call went to; used when the error itself does not say. */
  provider?: string | undefined;
}

type Loose = Record<string, unknown>;

const INTERNAL_SUGGESTION = explain('LA_INTERNAL')?.suggestion;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

/** Socket and DNS failures (Node errno codes and undici's own codes): the provider could not be reached. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** File-system failures: the local environment, not the provider. */
const STORAGE_SUGGESTIONS: Readonly<Record<string, string>> = {
  EACCES: 'Check that your user can read and write the LocalAgent config directory (`localagent doctor`).',
  EPERM: 'Check that your user can read and write the LocalAgent config directory (`localagent doctor`).',
  EROFS: 'The file system is read-only; point LocalAgent at a writable config directory.',
  ENOSPC: 'The disk is full; free some space and retry.',
  EDQUOT: 'Your disk quota is exhausted; free some space and retry.',
  EMFILE: 'Too many open files; raise the limit (`ulimit -n`) or close other programs.',
  ENFILE: 'Too many open files on the system; close other programs and retry.',
  ENOENT: 'A file or directory is missing; run `localagent doctor` to check the config directory.',
  ENOTDIR: 'A path that should be a directory is a file; run `localagent doctor` to check the config directory.',
  EISDIR: 'A path that should be a file is a directory; run `localagent doctor` to check the config directory.',
  EEXIST: 'A file already exists where LocalAgent wanted to create one; move it aside and retry.',
  EBUSY: 'A file is locked by another program; close it and retry.',
  EIO: 'The disk reported an I/O error; check the disk and retry.',
};

function describe(value: unknown): string {
  if (isErrorLike(value)) return value.message;
  if (typeof value === 'string') return value;
  try {
    return `non-error value thrown: ${JSON.stringify(value) ?? String(value)}`;
  } catch {
    return `non-error value thrown: ${Object.prototype.toString.call(value)}`;
  }
}

/** The errno-style code of an error, looking into an AggregateError (undici tries every address). */
function systemCode(error: Loose): string | undefined {
  const code = error['code'];
  if (typeof code === 'string') return code;
  const errors = error['errors'];
  if (Array.isArray(errors) && isObject(errors[0])) return systemCode(errors[0]);
  return undefined;
}

function fromSystemCode(code: string, error: Loose, provider: string | undefined): LocalAgentError | undefined {
  const message = describe(error);
  if (TIMEOUT_CODES.has(code)) {
    return new TimeoutError({ message: withProvider(message, provider), provider, cause: error, details: { systemCode: code } });
  }
  if (NETWORK_CODES.has(code)) {
    return new NetworkError({ message: withProvider(message, provider), provider, cause: error, details: { systemCode: code } });
  }
  const suggestion = STORAGE_SUGGESTIONS[code];
  if (suggestion !== undefined) {
    const path = typeof error['path'] === 'string' ? error['path'] : undefined;
    return new StorageError({ message, suggestion, cause: error, details: path === undefined ? { systemCode: code } : { systemCode: code, path } });
  }
  if (code === 'ABORT_ERR') return aborted(error);
  return undefined;
}

function withProvider(message: string, provider: string | undefined): string {
  return provider === undefined ? message : `Could not reach ${provider}: ${message}`;
}

function aborted(error: unknown): AbortedError {
  return new AbortedError({ message: 'The operation was aborted', cause: error });
}

/** openai-node and @anthropic-ai/sdk errors, fetch `Response`s, axios errors: anything with an HTTP status. */
function httpShape(error: Loose): { status: number; headers: unknown; body: unknown } | undefined {
  const response = isObject(error['response']) ? error['response'] : undefined;
  const status = error['status'] ?? response?.['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers = error['headers'] ?? response?.['headers'];
  const hasBody = 'error' in error || 'body' in error || response !== undefined;
  if (headers === undefined && !hasBody && !isErrorLike(error)) return undefined;
  let body: unknown = error['error'] ?? error['body'] ?? response?.['data'];
  // openai-node keeps only the body's inner `error` object; @anthropic-ai/sdk keeps the whole body
  if (isObject(body) && !('error' in body) && ('message' in body || 'type' in body || 'code' in body)) body = { error: body };
  if (body === undefined && typeof error['message'] === 'string') body = error['message'];
  return { status, headers, body };
}

function providerFrom(error: Loose, context: ClassifyContext): string {
  if (context.provider !== undefined) return context.provider;
  return typeof error['provider'] === 'string' ? error['provider'] : 'unknown';
}

/**
 * Turns anything thrown into the taxonomy. LocalAgent errors pass through unchanged; HTTP errors
 * (SDK errors, responses), socket and file-system errors, `fetch` failures and abort/timeout
 * DOMExceptions map to their classes; anything else becomes a `system` error keeping the original
 * as `cause`.
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): LocalAgentError {
  if (LocalAgentError.isInstance(error)) return error;
  if (!isObject(error)) {
    return new LocalAgentError({ message: describe(error), code: 'LA_INTERNAL', category: 'system', cause: error, suggestion: INTERNAL_SUGGESTION });
  }
  const name = typeof error['name'] === 'string' ? error['name'] : '';
  // a caller's AbortSignal: DOMException AbortError, Node's ABORT_ERR, the SDKs' APIUserAbortError
  if (name === 'AbortError' || name === 'APIUserAbortError') {
    // node:timers/promises and events.once reject with an AbortError whose cause is the signal's
    // reason: AbortSignal.timeout()'s TimeoutError means a timeout, not a caller's decision
    const reason = error['cause'];
    if (isObject(reason) && reason['name'] === 'TimeoutError') {
      return new TimeoutError({ message: withProvider(describe(reason), context.provider), provider: context.provider, cause: error });
    }
    return aborted(error);
  }
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError; the SDKs throw APIConnectionTimeoutError
  if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError') {
    return new TimeoutError({ message: withProvider(describe(error), context.provider), provider: context.provider, cause: error });
  }
  const http = httpShape(error);
  if (http !== undefined) {
    return fromHttpResponse({
      provider: providerFrom(error, context),
      status: http.status,
      headers: http.headers as HeadersLike | undefined,
      body: http.body,
      cause: error,
    });
  }
  const code = systemCode(error);
  const bySystemCode = code === undefined ? undefined : fromSystemCode(code, error, context.provider);
  if (bySystemCode !== undefined) return bySystemCode;
  // fetch() rejects with `TypeError: fetch failed` and puts the socket error in `cause`;
  // the SDKs' APIConnectionError does the same
  const cause = error['cause'];
  // an SDK that wraps our own error (a CircuitOpenError thrown by a resilient fetch) keeps its meaning
  if (LocalAgentError.isInstance(cause) && (name === 'TypeError' || name === 'APIConnectionError' || name === 'FetchError')) {
    return cause;
  }
  if (isObject(cause) && (name === 'TypeError' || name === 'APIConnectionError' || name === 'FetchError')) {
    const inner = classifyError(cause, context);
    if (AbortedError.isInstance(inner)) return aborted(error);
    if (NetworkError.isInstance(inner)) {
      const Class = TimeoutError.isInstance(inner) ? TimeoutError : NetworkError;
      return new Class({ message: inner.message, provider: context.provider, details: inner.details, cause: error });
    }
  }
  if (name === 'APIConnectionError' || (name === 'TypeError' && error['message'] === 'fetch failed')) {
    const reason = isErrorLike(cause) ? `${describe(error)}: ${cause.message}` : describe(error);
    return new NetworkError({ message: withProvider(reason, context.provider), provider: context.provider, cause: error });
  }
  return new LocalAgentError({ message: describe(error), code: 'LA_INTERNAL', category: 'system', cause: error, suggestion: INTERNAL_SUGGESTION });
}
