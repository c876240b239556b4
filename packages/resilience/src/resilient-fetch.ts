import {
  AbortedError,
  LocalAgentError,
  NetworkError,
  TimeoutError,
  fromHttpResponse,
  fromResponse,
  shouldRetryFromHeaders,
} from '@localagent/errors';
import type { PolicyOptions } from './options.js';
import type { PolicyRegistry } from './policy-registry.js';
import { abortReason } from './sleep.js';

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

export interface ResilientFetchOptions extends Omit<PolicyOptions, 'provider' | 'circuitBreaker'> {
  /** Owns the provider's Policy: the breaker is shared with every other caller of `registry.get(provider)`. */
  registry: PolicyRegistry;
  provider: string;
  /** The fetch to wrap; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** Statuses worth another attempt (as the SDKs' own retry loops decide), unless x-should-retry says otherwise. */
function isRetryCandidate(response: Response): boolean {
  if (response.ok) return false;
  if (shouldRetryFromHeaders(response.headers) === true) return true;
  return (
    response.status === 408 ||
    response.status === 409 ||
    response.status === 429 ||
    response.status >= 500
  );
}

/** A body that is a stream (a ReadableStream, an async iterable) cannot be sent twice. */
function isReplayable(init: FetchInit | undefined): boolean {
  const body: unknown = init?.body;
  if (typeof body !== 'object' || body === null) return true;
  return (
    typeof (body as { getReader?: unknown }).getReader !== 'function' &&
    !(Symbol.asyncIterator in body)
  );
}

/**
 * The final response of a call our loop has decided, marked `x-should-retry: false`: the Stainless
 * SDKs (openai, @anthropic-ai/sdk, groq-sdk) obey that header before their own status rules, so they
 * do not retry what we already retried.
 */
function decided(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  const marked = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  Object.defineProperty(marked, 'url', { value: response.url });
  return marked;
}

/** The Stainless SDKs number their own retries of one call in `x-stainless-retry-count`. */
function isSdkRetry(input: FetchInput, init: FetchInit | undefined): boolean {
  const headers = new Headers(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  );
  const count = Number(headers.get('x-stainless-retry-count') ?? '0');
  return Number.isFinite(count) && count > 0;
}

/** One call's identity for its SDK retries: method, URL and (the SDKs send JSON strings) the body. */
function requestKey(input: FetchInput, init: FetchInit | undefined): string {
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const body = typeof init?.body === 'string' ? init.body : '';
  return `${method.toUpperCase()} ${url} ${body}`;
}

/** How long the error that ended a call is kept for the SDK's own retries of it. */
const GAVE_UP_TTL_MS = 10 * 60_000;
const GAVE_UP_MAX = 256;

/**
 * A drop-in `fetch` for the provider SDKs (`new OpenAI({ fetch, maxRetries: 0 })`), so one retry loop
 * owns the call. Retryable statuses (408, 409, 429, 5xx, 529, `x-should-retry: true`) and network
 * failures are retried per the provider's Policy, honouring retry-after; the breaker counts the
 * logical call. The final Response is handed back unchanged (body unread) when it is not retryable or
 * the attempts are spent, so the SDK raises its own error. While the circuit is open it throws
 * CircuitOpenError; an aborted call rethrows the signal's reason, as fetch does. A response whose body
 * has been handed back (a stream) is never retried.
 */
export function createResilientFetch(options: ResilientFetchOptions): typeof fetch {
  const { registry, provider, fetch: baseFetch = globalThis.fetch, ...overrides } = options;
  const owner = registry.policy(provider);
  const policy = Object.keys(overrides).length === 0 ? owner : owner.derive(overrides);

  /** The error that ended each recent call, by method and URL, for the SDK's retries of it. */
  const gaveUp = new Map<string, { error: unknown; at: number }>();
  const remember = (key: string, error: unknown): void => {
    gaveUp.delete(key);
    gaveUp.set(key, { error, at: policy.now() });
    if (gaveUp.size > GAVE_UP_MAX) gaveUp.delete(gaveUp.keys().next().value as string);
  };

  const resilientFetch = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const key = requestKey(input, init);
    if (isSdkRetry(input, init)) {
      // A Stainless SDK retrying a call whose attempts our loop already spent (responses say
      // x-should-retry: false, so only a thrown failure gets here): no request, the same failure.
      const last = gaveUp.get(key);
      if (last !== undefined && policy.now() - last.at <= GAVE_UP_TTL_MS) throw last.error;
      throw new NetworkError({
        message: `${provider}: not sent: the SDK retried a call whose attempts the resilience policy had already spent`,
        provider,
        suggestion: 'Create the SDK client with maxRetries: 0 when it uses createResilientFetch.',
      });
    }
    const request = input instanceof Request ? input : undefined;
    const callerSignal = init?.signal ?? request?.signal ?? undefined;
    const maxAttempts = isReplayable(init) ? policy.maxAttempts : 1;
    const responses = new WeakMap<LocalAgentError, Response>();
    let previous: Response | undefined;
    try {
      return await policy.execute(
        async ({ attempt, signal }) => {
          // a new attempt means the previous response was retried: release its connection
          await previous?.body?.cancel().catch(() => undefined);
          const response = await baseFetch(request === undefined ? input : request.clone(), {
            ...init,
            signal,
          });
          if (!isRetryCandidate(response)) return response;
          // read a clone's body (retry-after in RetryInfo, quota vs rate limit) only when another attempt
          // may follow; on the last one, classify from status and headers and leave the body alone
          const error =
            attempt < maxAttempts
              ? await fromResponse(response, { provider, now: policy.now })
              : fromHttpResponse({
                  provider,
                  status: response.status,
                  headers: response.headers,
                  now: policy.now,
                });
          responses.set(error, response);
          previous = response;
          throw error;
        },
        { signal: callerSignal, maxAttempts },
      );
    } catch (error) {
      const response = LocalAgentError.isInstance(error) ? responses.get(error) : undefined;
      if (response !== undefined) return decided(response);
      if (AbortedError.isInstance(error) && callerSignal?.aborted === true) {
        // a Stainless SDK retries only its own timeout (a caller's abort it reports at once)
        remember(
          key,
          new TimeoutError({
            message: `${provider} did not answer within the SDK's timeout`,
            provider,
            cause: error,
          }),
        );
        throw abortReason(callerSignal);
      }
      remember(key, error);
      throw error;
    }
  };
  return resilientFetch as typeof fetch;
}
