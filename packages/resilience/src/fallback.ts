import {
  AbortedError,
  CircuitOpenError,
  ConfigurationError,
  InvalidRequestError,
  LocalAgentError,
  classifyError,
  type ErrorCategory,
} from '@localagent/errors';
import type { AttemptContext, ExecuteOptions, ResiliencePolicy } from './policy.js';
import type { PolicyRegistry } from './policy-registry.js';
import { NEVER_ABORTED, abortReason } from './sleep.js';

export interface FallbackCandidate<T> {
  provider: string;
  run: (context: AttemptContext) => Promise<T>;
}

export interface FallbackOptions extends ExecuteOptions {
  /**
   * Set when each `run` already goes through its provider's Policy (an SDK client built with
   * `createResilientFetch`): each candidate is then called once, not wrapped in a second retry loop,
   * and still skipped while its circuit is open.
   */
  alreadyResilient?: boolean;
  /** Called when a provider is skipped or failed and the next one is tried. */
  onFallback?: (failed: FallbackAttempt, next: string) => void;
}

/** One provider's outcome in `details.attempts` of the LA_FAILOVER_EXHAUSTED error. Messages are masked. */
export interface FallbackAttempt {
  provider: string;
  code: string;
  category: ErrorCategory;
  message: string;
  /** True when the provider was not called because its circuit was open. */
  skipped: boolean;
}

export const FAILOVER_EXHAUSTED = 'LA_FAILOVER_EXHAUSTED';

/**
 * Whether a failure is the request's own (or the caller's): then every provider would refuse it too,
 * so failover stops. Transient, authentication and quota errors belong to that provider: try the next.
 */
function stopsFailover(error: LocalAgentError): boolean {
  return InvalidRequestError.isInstance(error) || AbortedError.isInstance(error);
}

/**
 * Graceful degradation: tries `candidates` in order, each through its provider's Policy (retries and
 * breaker), skipping providers whose circuit is open. Returns the first success; throws at once for
 * an InvalidRequestError or an abort; when every provider failed, throws LA_FAILOVER_EXHAUSTED with
 * `details.attempts`.
 */
export async function executeWithFallback<T>(
  registry: PolicyRegistry,
  candidates: ReadonlyArray<FallbackCandidate<T>>,
  options: FallbackOptions = {},
): Promise<{ provider: string; value: T }> {
  if (candidates.length === 0) {
    throw new ConfigurationError({
      message: 'No provider to fail over to: the candidate list is empty',
      suggestion: 'Configure at least one provider.',
    });
  }
  const attempts: FallbackAttempt[] = [];
  let lastError: LocalAgentError | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const policy = registry.policy(candidate.provider);
    let error: LocalAgentError;
    try {
      // an open circuit rejects at once with CircuitOpenError, without calling `run`
      const value =
        options.alreadyResilient === true
          ? await runOnce(policy, candidate, options.signal)
          : await policy.execute(candidate.run, { signal: options.signal });
      return { provider: candidate.provider, value };
    } catch (e) {
      error = classifyFailure(e, candidate.provider);
      if (stopsFailover(error)) throw error;
    }
    lastError = error;
    const attempt: FallbackAttempt = {
      provider: candidate.provider,
      code: error.code,
      category: error.category,
      message: error.message,
      skipped: CircuitOpenError.isInstance(error),
    };
    attempts.push(attempt);
    const next = candidates[index + 1];
    if (next !== undefined) options.onFallback?.(attempt, next.provider);
  }
  throw exhausted(attempts, lastError);
}

function runOnce<T>(
  policy: ResiliencePolicy,
  candidate: FallbackCandidate<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  const open = policy.openCircuitError();
  if (open !== undefined) return Promise.reject(open);
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  return candidate.run({ attempt: 1, signal: signal ?? NEVER_ABORTED });
}

/** An SDK wraps what our fetch threw (CircuitOpenError, NetworkError) in its own error's `cause`: use ours. */
function classifyFailure(error: unknown, provider: string): LocalAgentError {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (!LocalAgentError.isInstance(error) && LocalAgentError.isInstance(cause)) return cause;
  return classifyError(error, { provider });
}

function exhausted(
  attempts: FallbackAttempt[],
  cause: LocalAgentError | undefined,
): LocalAgentError {
  const transient = attempts.every((a) => a.category === 'transient');
  const summary = attempts.map((a) => `${a.provider}: ${a.code}`).join('; ');
  return new LocalAgentError({
    message: `Every provider failed (${summary})`,
    code: FAILOVER_EXHAUSTED,
    category: transient ? 'transient' : 'permanent',
    suggestion: transient
      ? 'All providers are unavailable or rate-limited right now; retry in a minute.'
      : 'Fix the errors listed in details.attempts (keys, quotas), or add another provider.',
    details: { attempts },
    cause,
  });
}
