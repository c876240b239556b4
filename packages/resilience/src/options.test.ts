import {
  AbortedError,
  CircuitOpenError,
  ConfigurationError,
  InvalidRequestError,
  NetworkError,
} from '@localagent/errors';
import {
  DEFAULT_RETRY,
  checkTimeout,
  isProviderHealthFailure,
  mergePolicyOptions,
  resolveCircuitBreakerOptions,
  resolveRetryOptions,
} from './options';

describe('policy options', () => {
  it('defaults to the documented values', () => {
    expect(resolveRetryOptions()).toMatchObject({ ...DEFAULT_RETRY });
    expect(resolveCircuitBreakerOptions(undefined)).toMatchObject({
      failureThreshold: 5,
      recoveryTimeoutMs: 60_000,
    });
    expect(resolveCircuitBreakerOptions(false)).toBeUndefined();
  });

  it.each([
    [() => resolveRetryOptions({ maxAttempts: 0 }), 'retry.maxAttempts'],
    [() => resolveRetryOptions({ maxAttempts: 1.5 }), 'retry.maxAttempts'],
    [() => resolveRetryOptions({ baseDelayMs: -1 }), 'retry.baseDelayMs'],
    [() => resolveRetryOptions({ maxDelayMs: Number.NaN }), 'retry.maxDelayMs'],
    [() => resolveRetryOptions({ exponentialBase: 0.5 }), 'retry.exponentialBase'],
    [
      () => resolveCircuitBreakerOptions({ failureThreshold: 0 }),
      'circuitBreaker.failureThreshold',
    ],
    [
      () => resolveCircuitBreakerOptions({ recoveryTimeoutMs: -5 }),
      'circuitBreaker.recoveryTimeoutMs',
    ],
    [() => checkTimeout(0), 'timeoutMs'],
  ])('rejects nonsense with a ConfigurationError naming the option (%#)', (make, option) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigurationError).details).toMatchObject({ option });
  });

  it('merges layers field by field, later layers winning', () => {
    const merged = mergePolicyOptions(
      {
        retry: { maxAttempts: 5, baseDelayMs: 10 },
        circuitBreaker: { failureThreshold: 2 },
        timeoutMs: 100,
      },
      undefined,
      { retry: { baseDelayMs: 20 }, circuitBreaker: { recoveryTimeoutMs: 5 } },
    );
    expect(merged).toEqual({
      retry: { maxAttempts: 5, baseDelayMs: 20 },
      circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 5 },
      timeoutMs: 100,
    });
    expect(
      mergePolicyOptions({ circuitBreaker: { failureThreshold: 2 } }, { circuitBreaker: false })
        .circuitBreaker,
    ).toBe(false);
    expect(
      mergePolicyOptions({ circuitBreaker: false }, { circuitBreaker: { failureThreshold: 3 } })
        .circuitBreaker,
    ).toEqual({ failureThreshold: 3 });
  });

  it('counts only transient provider-health failures for the breaker', () => {
    expect(isProviderHealthFailure(new NetworkError({ message: 'reset' }))).toBe(true);
    expect(
      isProviderHealthFailure(
        new InvalidRequestError({ provider: 'p', message: 'bad', status: 400 }),
      ),
    ).toBe(false);
    expect(isProviderHealthFailure(new AbortedError({ message: 'stop' }))).toBe(false);
    expect(isProviderHealthFailure(new CircuitOpenError({ provider: 'p', retryAfterMs: 1 }))).toBe(
      false,
    );
  });
});
