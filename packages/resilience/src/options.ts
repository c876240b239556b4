import {
  AbortedError,
  CircuitOpenError,
  ConfigurationError,
  type LocalAgentError,
} from '@localagent/errors';

/** Any logger with these four methods (the `@localagent/logging` Logger fits). */
export interface ResilienceLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warning(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface RetryOptions {
  /** Calls of `fn`, the first included: 3 means at most 3 calls (cockatiel's `maxAttempts` counts retries). */
  maxAttempts?: number;
  /** Delay before the first retry. */
  baseDelayMs?: number;
  /** Cap for one delay; a server asking for longer makes the call fail at once. */
  maxDelayMs?: number;
  exponentialBase?: number;
  /** Full jitter: a delay drawn uniformly from [0, nominal]. */
  jitter?: boolean;
  /** Replaces the default test (`error.retryable`). Aborts and open circuits are never retried. */
  shouldRetry?(error: LocalAgentError): boolean;
}

export interface CircuitBreakerOptions {
  /** Consecutive counted failures (of logical calls, not attempts) that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe call may run. */
  recoveryTimeoutMs?: number;
  /** Which failures count; default: the `transient` category (provider health), never aborts or user errors. */
  isFailure?(error: LocalAgentError): boolean;
}

export interface PolicyOptions {
  retry?: RetryOptions;
  /** `false` disables the breaker. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Per attempt; the attempt's signal aborts and the attempt fails with a (retryable) `TimeoutError`. */
  timeoutMs?: number;
  /** Name used in errors, events, logs and metrics. */
  provider?: string;
  logger?: ResilienceLogger;
  /** Waits `ms`, rejecting with the signal's reason as soon as it aborts. Injected by tests. */
  sleep?(ms: number, signal: AbortSignal | undefined): Promise<void>;
  /** A number in [0, 1), for jitter. Injected by tests. */
  random?(): number;
  /**
   * The wall clock, epoch ms (`Date.now` by default): when a circuit opened and when it may half-open,
   * persisted as `openedAt`; also dates in `retry-after`. Injected by tests.
   */
  now?(): number;
}

export interface ResolvedRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  exponentialBase: number;
  jitter: boolean;
  shouldRetry: (error: LocalAgentError) => boolean;
}

export interface ResolvedCircuitBreakerOptions {
  failureThreshold: number;
  recoveryTimeoutMs: number;
  isFailure: (error: LocalAgentError) => boolean;
}

export const DEFAULT_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  exponentialBase: 2,
  jitter: true,
} as const;

export const DEFAULT_CIRCUIT_BREAKER = {
  failureThreshold: 5,
  recoveryTimeoutMs: 60_000,
} as const;

/** Layers policy options: later layers win, `retry` and `circuitBreaker` merge field by field. */
export function mergePolicyOptions(
  ...layers: ReadonlyArray<PolicyOptions | undefined>
): PolicyOptions {
  const merged: PolicyOptions = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    const { retry, circuitBreaker, ...rest } = layer;
    Object.assign(merged, rest);
    if (retry !== undefined) merged.retry = { ...merged.retry, ...retry };
    if (circuitBreaker === false) merged.circuitBreaker = false;
    else if (circuitBreaker !== undefined) {
      merged.circuitBreaker = {
        ...(merged.circuitBreaker === false ? {} : merged.circuitBreaker),
        ...circuitBreaker,
      };
    }
  }
  return merged;
}

function check(ok: boolean, option: string, value: unknown, expected: string): void {
  if (!ok) {
    throw new ConfigurationError({
      message: `Invalid resilience option ${option}: ${JSON.stringify(value)} (expected ${expected})`,
      details: { option, value },
      suggestion: `Set ${option} to ${expected}, or leave it out to use the default.`,
    });
  }
}

const isCount = (v: number): boolean => Number.isInteger(v) && v >= 1;
const isDuration = (v: number): boolean => Number.isFinite(v) && v >= 0;

/** Fills in the defaults and rejects nonsense (0 attempts, negative delays) with a ConfigurationError. */
export function resolveRetryOptions(retry: RetryOptions = {}): ResolvedRetryOptions {
  const resolved: ResolvedRetryOptions = {
    maxAttempts: retry.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: retry.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: retry.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    exponentialBase: retry.exponentialBase ?? DEFAULT_RETRY.exponentialBase,
    jitter: retry.jitter ?? DEFAULT_RETRY.jitter,
    shouldRetry: retry.shouldRetry ?? ((error) => error.retryable),
  };
  check(
    isCount(resolved.maxAttempts),
    'retry.maxAttempts',
    resolved.maxAttempts,
    'an integer >= 1',
  );
  check(
    isDuration(resolved.baseDelayMs),
    'retry.baseDelayMs',
    resolved.baseDelayMs,
    'a number of ms >= 0',
  );
  check(
    isDuration(resolved.maxDelayMs),
    'retry.maxDelayMs',
    resolved.maxDelayMs,
    'a number of ms >= 0',
  );
  check(
    Number.isFinite(resolved.exponentialBase) && resolved.exponentialBase >= 1,
    'retry.exponentialBase',
    resolved.exponentialBase,
    'a number >= 1',
  );
  return resolved;
}

export function resolveCircuitBreakerOptions(
  options: CircuitBreakerOptions | false | undefined,
): ResolvedCircuitBreakerOptions | undefined {
  if (options === false) return undefined;
  const resolved: ResolvedCircuitBreakerOptions = {
    failureThreshold: options?.failureThreshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold,
    recoveryTimeoutMs: options?.recoveryTimeoutMs ?? DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs,
    isFailure: options?.isFailure ?? isProviderHealthFailure,
  };
  check(
    isCount(resolved.failureThreshold),
    'circuitBreaker.failureThreshold',
    resolved.failureThreshold,
    'an integer >= 1',
  );
  check(
    isDuration(resolved.recoveryTimeoutMs),
    'circuitBreaker.recoveryTimeoutMs',
    resolved.recoveryTimeoutMs,
    'a number of ms >= 0',
  );
  return resolved;
}

export function checkTimeout(timeoutMs: number | undefined): void {
  if (timeoutMs !== undefined)
    check(
      Number.isFinite(timeoutMs) && timeoutMs > 0,
      'timeoutMs',
      timeoutMs,
      'a number of ms > 0',
    );
}

/** The default breaker test: only transient failures say something about the provider's health. */
export function isProviderHealthFailure(error: LocalAgentError): boolean {
  return (
    error.category === 'transient' &&
    !CircuitOpenError.isInstance(error) &&
    !AbortedError.isInstance(error)
  );
}
