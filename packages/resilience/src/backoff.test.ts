import {
  AbortedError,
  AuthenticationError,
  CircuitOpenError,
  ProviderUnavailableError,
  RateLimitError,
} from '@localagent/errors';
import { backoffDelay, decideRetry, serverWaitMs } from './backoff';
import { resolveRetryOptions } from './options';

const unavailable = (): ProviderUnavailableError =>
  new ProviderUnavailableError({ provider: 'p', message: 'down', status: 503 });

describe('backoffDelay', () => {
  it('is exactly min(maxDelayMs, baseDelayMs * exponentialBase^(n-1)) without jitter', () => {
    const options = resolveRetryOptions({
      baseDelayMs: 100,
      exponentialBase: 3,
      maxDelayMs: 2000,
      jitter: false,
    });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, Math.random))).toEqual([
      100, 300, 900, 2000, 2000,
    ]);
  });

  it('with jitter stays within [0, nominal] and averages about half of it', () => {
    const options = resolveRetryOptions({ baseDelayMs: 1000, maxDelayMs: 60_000 });
    let seed = 42;
    // a deterministic LCG, so the test never flakes
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const draws = Array.from({ length: 2000 }, () => backoffDelay(3, options, random));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(4000);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(1600);
    expect(mean).toBeLessThan(2400);
    expect(backoffDelay(3, options, () => 0.999_999_9)).toBe(4000);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe('decideRetry', () => {
  const options = resolveRetryOptions({ baseDelayMs: 10, maxDelayMs: 1000, jitter: false });

  it('retries a retryable error with the backoff delay while attempts remain', () => {
    expect(decideRetry(unavailable(), 1, 3, options, Math.random)).toEqual({
      retry: true,
      delayMs: 10,
    });
    expect(decideRetry(unavailable(), 2, 3, options, Math.random)).toEqual({
      retry: true,
      delayMs: 20,
    });
    expect(decideRetry(unavailable(), 3, 3, options, Math.random)).toEqual({
      retry: false,
      reason: 'attempts-exhausted',
      delayMs: 0,
    });
  });

  it('never retries what classifyError calls non-retryable, aborts or open circuits', () => {
    const auth = new AuthenticationError({ provider: 'p', message: 'bad key', status: 401 });
    expect(decideRetry(auth, 1, 3, options, Math.random)).toMatchObject({
      retry: false,
      reason: 'not-retryable',
    });
    expect(
      decideRetry(new AbortedError({ message: 'stop' }), 1, 3, options, Math.random),
    ).toMatchObject({ retry: false, reason: 'aborted' });
    const open = new CircuitOpenError({ provider: 'p', retryAfterMs: 5 });
    expect(decideRetry(open, 1, 3, options, Math.random)).toMatchObject({
      retry: false,
      reason: 'not-retryable',
    });
    expect(serverWaitMs(open)).toBeUndefined();
  });

  it('lets a custom shouldRetry decide', () => {
    const custom = resolveRetryOptions({
      shouldRetry: (e) => e.code === 'LA_AUTH_FAILED',
      jitter: false,
    });
    const auth = new AuthenticationError({ provider: 'p', message: 'bad key', status: 401 });
    expect(decideRetry(auth, 1, 3, custom, Math.random)).toMatchObject({ retry: true });
    expect(decideRetry(unavailable(), 1, 3, custom, Math.random)).toMatchObject({
      retry: false,
      reason: 'not-retryable',
    });
  });

  it("uses the server's wait instead of the backoff, and gives up at once when it exceeds maxDelayMs", () => {
    const soon = new RateLimitError({
      provider: 'p',
      message: 'slow down',
      status: 429,
      retryAfterMs: 700,
    });
    expect(decideRetry(soon, 1, 3, options, Math.random)).toEqual({ retry: true, delayMs: 700 });
    // no attempt left to spend the wait on: fail now rather than sleep for nothing
    expect(decideRetry(soon, 3, 3, options, Math.random)).toMatchObject({
      retry: false,
      reason: 'attempts-exhausted',
    });
    const late = new RateLimitError({
      provider: 'p',
      message: 'slow down',
      status: 429,
      retryAfterMs: 120_000,
    });
    expect(decideRetry(late, 1, 3, options, Math.random)).toEqual({
      retry: false,
      reason: 'retry-after-too-long',
      delayMs: 120_000,
    });
    const noHint = new RateLimitError({ provider: 'p', message: 'slow down', status: 429 });
    expect(decideRetry(noHint, 1, 3, options, Math.random)).toEqual({ retry: true, delayMs: 10 });
  });
});
