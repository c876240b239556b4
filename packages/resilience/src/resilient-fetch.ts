import { AbortedError, LocalAgentError, fromHttpResponse, shouldRetryFromHeaders } from '@localagent/errors';
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
  return response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500;
}

/** A body that is a stream (a ReadableStream, an async iterable) cannot be sent twice. */
function isReplayable(init: FetchInit | undefined): boolean {
  const body: unknown = init?.body;
  if (typeof body !== 'object' || body === null) return true;
  return typeof (body as { getReader?: unknown }).getReader !== 'function' && !(Symbol.asyncIterator in body);
}

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

  const resilientFetch = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
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
          const response = await baseFetch(request === undefined ? input : request.clone(), { ...init, signal });
          if (!isRetryCandidate(response)) return response;
          // read a clone's body (retry-after in RetryInfo, quota vs rate limit) only when another attempt
          // may follow; on the last one, classify from status and headers and leave the body alone
          const body = attempt < maxAttempts ? await response.clone().text() : undefined;
          const error = fromHttpResponse({ provider, status: response.status, headers: response.headers, body, now: policy.now });
          responses.set(error, response);
          previous = response;
          throw error;
        },
        { signal: callerSignal, maxAttempts },
      );
    } catch (error) {
      const response = LocalAgentError.isInstance(error) ? responses.get(error) : undefined;
      if (response !== undefined) return response;
      if (AbortedError.isInstance(error) && callerSignal?.aborted === true) throw abortReason(callerSignal);
      throw error;
    }
  };
  return resilientFetch as typeof fetch;
}
