import { AbortedError } from './aborted-error.js';
import { explain } from './catalog.js';
import { fromHttpResponse } from './from-http-response.js';
import { LocalAgentError } from './local-agent-error.js';
import { KeyNotFoundError, StorageError } from './local-errors.js';
import { NetworkError, TimeoutError } from './provider-errors.js';
import {
  errorNames,
  isObject,
  readErrorShape,
  type ErrorShape,
  type Loose,
} from './error-shape.js';
import { isErrorLike } from './is-error-like.js';

export interface ClassifyContext {
  /** The provider the failed call went to; used when the error itself does not say. */
  provider?: string | undefined;
  /**
   * The caller's signal. SDKs report their own timeout and the caller's abort alike (an
   * `AbortError`, the Stainless SDKs' `APIUserAbortError` for an `AbortSignal.timeout()`); with the
   * signal an abort is the caller's only when it fired, and a `TimeoutError` reason is a timeout.
   */
  signal?: AbortSignal | undefined;
}

const INTERNAL_SUGGESTION = explain('LA_INTERNAL')?.suggestion;
const TLS_SUGGESTION = explain('LA_TLS_FAILED')?.suggestion;
/** How deep `cause` chains and wrapped errors are followed (a cycle ends sooner). */
const MAX_DEPTH = 8;

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
/** OpenSSL's certificate verdicts: retrying cannot fix them, the trust setup (or the URL) must change. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** File-system failures: the local environment, not the provider. */
const STORAGE_SUGGESTIONS: Readonly<Record<string, string>> = {
  EACCES:
    'Check that your user can read and write the LocalAgent config directory (`localagent doctor`).',
  EPERM:
    'Check that your user can read and write the LocalAgent config directory (`localagent doctor`).',
  EROFS: 'The file system is read-only; point LocalAgent at a writable config directory.',
  ENOSPC: 'The disk is full; free some space and retry.',
  EDQUOT: 'Your disk quota is exhausted; free some space and retry.',
  EMFILE: 'Too many open files; raise the limit (`ulimit -n`) or close other programs.',
  ENFILE: 'Too many open files on the system; close other programs and retry.',
  ENOENT: 'A file or directory is missing; run `localagent doctor` to check the config directory.',
  ENOTDIR:
    'A path that should be a directory is a file; run `localagent doctor` to check the config directory.',
  EISDIR:
    'A path that should be a file is a directory; run `localagent doctor` to check the config directory.',
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

function withProvider(message: string, provider: string | undefined): string {
  return provider === undefined ? message : `Could not reach ${provider}: ${message}`;
}

function internal(error: unknown): LocalAgentError {
  return new LocalAgentError({
    message: describe(error),
    code: 'LA_INTERNAL',
    category: 'system',
    cause: error,
    suggestion: INTERNAL_SUGGESTION,
  });
}

function isTls(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_');
}

function fromSystemCode(
  code: string,
  error: Loose,
  provider: string | undefined,
): LocalAgentError | undefined {
  const message = describe(error);
  // node:http reports OpenSSL's "wrong version number" (plain HTTP on an https URL) as EPROTO
  if (isTls(code) || (code === 'EPROTO' && /SSL routines|wrong version number/i.test(message))) {
    return new NetworkError({
      message: withProvider(`TLS failed: ${message}`, provider),
      provider,
      code: 'LA_TLS_FAILED',
      category: 'user',
      suggestion: TLS_SUGGESTION,
      cause: error,
      details: { systemCode: code },
    });
  }
  if (TIMEOUT_CODES.has(code)) {
    return new TimeoutError({
      message: withProvider(message, provider),
      provider,
      cause: error,
      details: { systemCode: code },
    });
  }
  if (NETWORK_CODES.has(code)) {
    return new NetworkError({
      message: withProvider(message, provider),
      provider,
      cause: error,
      details: { systemCode: code },
    });
  }
  const suggestion = STORAGE_SUGGESTIONS[code];
  if (suggestion !== undefined) {
    const path = typeof error['path'] === 'string' ? error['path'] : undefined;
    return new StorageError({
      message,
      suggestion,
      cause: error,
      details: path === undefined ? { systemCode: code } : { systemCode: code, path },
    });
  }
  return undefined;
}

function timedOut(
  error: unknown,
  provider: string | undefined,
  message = describe(error),
): TimeoutError {
  return new TimeoutError({ message: withProvider(message, provider), provider, cause: error });
}

function isTimeoutReason(reason: unknown): boolean {
  return isObject(reason) && reason['name'] === 'TimeoutError';
}

/**
 * Only the caller's abort is an `AbortedError`. An abort whose reason is a `TimeoutError`
 * (`AbortSignal.timeout()`), or that happened while the caller's signal had not fired (the SDK's own
 * timer), is a timeout.
 */
function fromAbort(error: Loose, context: ClassifyContext): LocalAgentError {
  const { signal, provider } = context;
  if (signal !== undefined) {
    if (!signal.aborted)
      return timedOut(error, provider, `the request was aborted by a timeout (${describe(error)})`);
    if (isTimeoutReason(signal.reason)) return timedOut(error, provider, describe(signal.reason));
    return new AbortedError({ message: 'The operation was aborted', cause: error });
  }
  // node:timers/promises and events.once reject with an AbortError whose cause is the signal's reason
  const reason = error['cause'];
  if (isTimeoutReason(reason)) return timedOut(error, provider, describe(reason));
  return new AbortedError({ message: 'The operation was aborted', cause: error });
}

/**
 * The SDKs that wrap a failure (a connection error, a retry wrapper) mean what is inside: one of our
 * own errors (a CircuitOpenError thrown by a resilient fetch) comes back unchanged, a classified
 * one is returned with its own cause.
 */
function fromInner(
  inner: readonly unknown[],
  context: ClassifyContext,
  depth: number,
  seen: WeakSet<object>,
): LocalAgentError | undefined {
  for (const candidate of inner) {
    if (candidate === undefined || candidate === null) continue;
    if (LocalAgentError.isInstance(candidate)) return candidate;
    // each error is looked into once: a cycle (an AggregateError listing itself) would be exponential
    if (isObject(candidate)) {
      if (seen.has(candidate)) continue;
      seen.add(candidate);
    }
    const classified = classify(candidate, context, depth + 1, seen);
    if (classified.code !== 'LA_INTERNAL') return classified;
  }
  return undefined;
}

function fromConnection(
  error: Loose,
  cause: unknown,
  context: ClassifyContext,
  depth: number,
  seen: WeakSet<object>,
): LocalAgentError {
  const inner = fromInner([cause], context, depth, seen);
  if (inner === undefined) {
    const reason = isErrorLike(cause) ? `${describe(error)}: ${cause.message}` : describe(error);
    return new NetworkError({
      message: withProvider(reason, context.provider),
      provider: context.provider,
      cause: error,
    });
  }
  if (inner === cause || !NetworkError.isInstance(inner)) return inner;
  // the socket's reason, with the SDK's error as the cause the user sees first
  const Class = TimeoutError.isInstance(inner) ? TimeoutError : NetworkError;
  return new Class({
    message: inner.message,
    provider: context.provider,
    code: inner.code,
    category: inner.category,
    suggestion: inner.suggestion,
    details: inner.details,
    cause: error,
  });
}

/** The SDK an error came from names its provider when the caller did not. */
const SDK_PROVIDERS: ReadonlyArray<readonly [string, string]> = [
  ['AnthropicError', 'anthropic'],
  ['GroqError', 'groq'],
  ['OpenAIError', 'openai'],
  ['MistralError', 'mistral'],
  ['CohereError', 'cohere'],
];

function providerFrom(error: Loose, context: ClassifyContext): string {
  if (context.provider !== undefined) return context.provider;
  if (typeof error['provider'] === 'string') return error['provider'];
  const names = errorNames(error);
  return SDK_PROVIDERS.find(([name]) => names.has(name))?.[1] ?? 'unknown';
}

function fromShape(
  shape: ErrorShape,
  error: Loose,
  context: ClassifyContext,
  depth: number,
  seen: WeakSet<object>,
): LocalAgentError | undefined {
  switch (shape.kind) {
    case 'http':
      return fromHttpResponse({
        provider: providerFrom(error, context),
        status: shape.status,
        headers: shape.headers,
        body: shape.body,
        cause: error,
      });
    case 'stream': {
      // the body's type or code says which status it means; a body that says nothing is not read as one
      const classified = fromHttpResponse({
        provider: providerFrom(error, context),
        status: 200,
        headers: shape.headers,
        body: shape.body,
        cause: error,
      });
      return classified.status === 200 &&
        classified.code === 'LA_PROVIDER_ERROR' &&
        !isErrorLike(error)
        ? undefined
        : classified;
    }
    case 'timeout':
      return timedOut(error, context.provider);
    case 'abort':
      return fromAbort(error, context);
    case 'connection':
      return fromConnection(error, shape.cause, context, depth, seen);
    case 'missing-key':
      return new KeyNotFoundError({
        message: describe(error),
        provider: context.provider,
        cause: error,
        suggestion: `Store the key with \`localagent config set-key ${context.provider ?? 'PROVIDER'}\` (or set the provider's API key variable) and pass it to the SDK.`,
      });
    case 'system':
      return (
        fromSystemCode(shape.code, error, context.provider) ??
        (shape.code === 'ABORT_ERR' ? fromAbort(error, context) : undefined)
      );
    case 'wrapper':
      return fromInner(shape.inner, context, depth, seen);
    case 'unknown':
      return undefined;
  }
}

function classify(
  error: unknown,
  context: ClassifyContext,
  depth: number,
  seen: WeakSet<object>,
): LocalAgentError {
  if (LocalAgentError.isInstance(error)) return error;
  if (!isObject(error) || depth > MAX_DEPTH) return internal(error);
  seen.add(error);
  const shape = readErrorShape(error);
  const classified = fromShape(shape, error, context, depth, seen);
  if (classified !== undefined) return classified;
  // a system code we do not know, an SDK error we do not read: what it wraps may still say something
  if (shape.kind !== 'wrapper' && error['cause'] !== undefined && depth < MAX_DEPTH) {
    const inner = fromInner([error['cause']], context, depth, seen);
    if (inner !== undefined) return inner;
  }
  return internal(error);
}

/**
 * Turns anything thrown into the taxonomy. LocalAgent errors pass through unchanged. The errors of
 * the provider SDKs (openai, @anthropic-ai/sdk, groq-sdk, @google/genai, @mistralai/mistralai,
 * cohere-ai, the Vercel AI SDK), axios, fetch, undici and Node map to their classes by shape and by
 * the SDKs' own markers; `cause` chains and `AggregateError`s are followed. Anything else becomes a
 * `system` error keeping the original as `cause`.
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): LocalAgentError {
  return classify(error, context, 0, new WeakSet());
}
