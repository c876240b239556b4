import {
  AbortedError,
  AuthenticationError,
  CircuitOpenError,
  InvalidRequestError,
  LocalAgentError,
  ProviderUnavailableError,
  RateLimitError,
  TimeoutError,
} from '@localagent/errors';
import type { PolicyEvent } from './events';
import type { PolicyOptions } from './options';
import { createPolicy, type AttemptContext } from './policy';

const unavailable = (): ProviderUnavailableError =>
  new ProviderUnavailableError({ provider: 'acme', message: 'overloaded', status: 529 });
const badRequest = (): InvalidRequestError =>
  new InvalidRequestError({ provider: 'acme', message: 'bad model', status: 400 });

/** A sleep that returns at once and records what it was asked to wait. */
function recordingSleep(): { waits: number[]; sleep: NonNullable<PolicyOptions['sleep']> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      waits.push(ms);
      if (signal?.aborted === true) throw signal.reason;
    },
  };
}

/** fn that fails with the given errors in order, then returns 'ok'. */
function script(...failures: unknown[]): {
  calls: AttemptContext[];
  fn: (ctx: AttemptContext) => Promise<string>;
} {
  const calls: AttemptContext[] = [];
  return {
    calls,
    fn: async (ctx) => {
      calls.push(ctx);
      const failure = failures[calls.length - 1];
      if (failure !== undefined) throw failure;
      return 'ok';
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<LocalAgentError> {
  try {
    await promise;
  } catch (error) {
    return error as LocalAgentError;
  }
  throw new Error('expected a rejection');
}

describe('policy.execute: retries', () => {
  it('maxAttempts counts attempts, the first included: 3 means at most 3 calls (cockatiel counts retries: 4)', async () => {
    const { sleep, waits } = recordingSleep();
    const policy = createPolicy({
      provider: 'acme',
      retry: { maxAttempts: 3, baseDelayMs: 100, jitter: false },
      sleep,
      circuitBreaker: false,
    });
    const { fn, calls } = script(unavailable(), unavailable(), unavailable(), unavailable());
    const error = await rejection(policy.execute(fn));
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(error.code).toBe('LA_PROVIDER_UNAVAILABLE');
    expect(waits).toEqual([100, 200]);
  });

  it('returns the first success and passes attempt numbers from 1', async () => {
    const { sleep } = recordingSleep();
    const policy = createPolicy({ sleep });
    const { fn, calls } = script(unavailable());
    await expect(policy.execute(fn)).resolves.toBe('ok');
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it('tries a non-retryable error (401) once and rejects with it', async () => {
    const { sleep, waits } = recordingSleep();
    const policy = createPolicy({ sleep });
    const { fn, calls } = script(
      new AuthenticationError({ provider: 'acme', message: 'invalid key', status: 401 }),
    );
    expect((await rejection(policy.execute(fn))).code).toBe('LA_AUTH_FAILED');
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('classifies whatever fn throws, so callers always get a LocalAgentError', async () => {
    const { sleep } = recordingSleep();
    const policy = createPolicy({ provider: 'acme', sleep, retry: { maxAttempts: 2 } });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { fn, calls } = script(reset, new Error('boom'));
    const error = await rejection(policy.execute(fn));
    expect(calls).toHaveLength(2);
    expect(LocalAgentError.isInstance(error)).toBe(true);
    expect(error.code).toBe('LA_INTERNAL');
  });

  it('waits the exponential delay, capped by maxDelayMs, with jitter from the injected random', async () => {
    const { sleep, waits } = recordingSleep();
    const policy = createPolicy({
      sleep,
      random: () => 0.5,
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 },
    });
    const { fn } = script(unavailable(), unavailable(), unavailable(), unavailable());
    await policy.execute(fn);
    expect(waits).toEqual([500, 1000, 1500, 1500]);
  });

  it("uses the server's retry-after as the delay", async () => {
    const { sleep, waits } = recordingSleep();
    const policy = createPolicy({ sleep, retry: { baseDelayMs: 1, jitter: false } });
    const { fn } = script(
      new RateLimitError({
        provider: 'acme',
        message: 'slow down',
        status: 429,
        retryAfterMs: 2500,
      }),
    );
    await expect(policy.execute(fn)).resolves.toBe('ok');
    expect(waits).toEqual([2500]);
  });

  it('fails at once with the RateLimitError when the server asks for longer than maxDelayMs', async () => {
    const { sleep, waits } = recordingSleep();
    const policy = createPolicy({ sleep, retry: { maxDelayMs: 10_000 } });
    const giveUps: PolicyEvent[] = [];
    policy.on('giveUp', (e) => giveUps.push(e));
    const { fn, calls } = script(
      new RateLimitError({
        provider: 'acme',
        message: 'slow down',
        status: 429,
        retryAfterMs: 90_000,
      }),
    );
    const error = await rejection(policy.execute(fn));
    expect(RateLimitError.isInstance(error) && error.retryAfterMs).toBe(90_000);
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(giveUps[0]).toMatchObject({
      reason: 'retry-after-too-long',
      delayMs: 90_000,
      attempt: 1,
    });
  });
});

describe('policy.execute: aborts and timeouts', () => {
  it('rejects at once when the caller aborts during a backoff wait, and never calls fn again', async () => {
    // real sleep, 60 s backoff: the test can only finish (jest's 5 s limit) if the abort cuts the wait short
    const policy = createPolicy({
      retry: { baseDelayMs: 60_000, jitter: false },
      circuitBreaker: false,
    });
    const controller = new AbortController();
    const { fn, calls } = script(unavailable(), unavailable());
    policy.on('retry', () => setImmediate(() => controller.abort()));
    const error = await rejection(policy.execute(fn, { signal: controller.signal }));
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(error.code).toBe('LA_ABORTED');
    expect(calls).toHaveLength(1);
  });

  it('does not call fn when the signal is already aborted', async () => {
    const policy = createPolicy();
    const { fn, calls } = script();
    const error = await rejection(policy.execute(fn, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('LA_ABORTED');
    expect(calls).toHaveLength(0);
  });

  it("passes the caller's abort to fn's signal and reports an AbortedError, not fn's own error", async () => {
    const policy = createPolicy({ circuitBreaker: false });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = policy.execute(
      ({ signal }) =>
        new Promise<string>((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new Error('request cancelled')));
        }),
      { signal: controller.signal },
    );
    controller.abort();
    const error = await rejection(pending);
    expect(seen?.aborted).toBe(true);
    expect(AbortedError.isInstance(error)).toBe(true);
  });

  it('aborts the attempt signal at the per-attempt timeout and retries with a TimeoutError', async () => {
    const { sleep } = recordingSleep();
    const policy = createPolicy({
      provider: 'acme',
      timeoutMs: 20,
      sleep,
      retry: { maxAttempts: 2 },
    });
    const signals: AbortSignal[] = [];
    const error = await rejection(
      policy.execute(({ signal }) => {
        signals.push(signal);
        return new Promise<never>(() => undefined); // ignores its signal: the timeout still ends the attempt
      }),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.details).toMatchObject({ timeoutMs: 20 });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('leaves the attempt signal alone once fn has returned (cockatiel aborts it on return by default)', async () => {
    const policy = createPolicy({ timeoutMs: 1000 });
    let signal: AbortSignal | undefined;
    await policy.execute(async (ctx) => {
      signal = ctx.signal;
      return 'ok';
    });
    expect(signal?.aborted).toBe(false);
  });

  it('with a caller abort under a timeout, reports the abort', async () => {
    const policy = createPolicy({ timeoutMs: 5000, circuitBreaker: false });
    const controller = new AbortController();
    const pending = policy.execute(() => new Promise<never>(() => undefined), {
      signal: controller.signal,
    });
    controller.abort();
    expect((await rejection(pending)).code).toBe('LA_ABORTED');
  });
});

describe('policy: circuit breaker', () => {
  // an injected wall clock: the breaker's recovery time passes when the test says so
  let clock = 0;
  const elapse = (ms: number): void => {
    clock += ms;
  };
  beforeEach(() => {
    clock = 1_700_000_000_000;
  });
  const breakerPolicy = (extra: PolicyOptions = {}) =>
    createPolicy({
      provider: 'acme',
      sleep: recordingSleep().sleep,
      now: () => clock,
      retry: { maxAttempts: 3 },
      circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 40 },
      ...extra,
    });

  it('one logical call whose attempts all fail is one breaker failure (cockatiel wrap(retry, breaker) counts 3)', async () => {
    const policy = breakerPolicy();
    const { fn, calls } = script(unavailable(), unavailable(), unavailable());
    await rejection(policy.execute(fn));
    expect(calls).toHaveLength(3);
    expect(policy.circuitState).toBe('closed');
  });

  it('opens after failureThreshold failed calls, then fails fast with CircuitOpenError without calling fn', async () => {
    const policy = breakerPolicy();
    const breaks: PolicyEvent[] = [];
    policy.on('break', (e) => breaks.push(e));
    const failing = script(...Array.from({ length: 6 }, unavailable));
    await rejection(policy.execute(failing.fn));
    await rejection(policy.execute(failing.fn));
    expect(policy.circuitState).toBe('open');
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toMatchObject({ type: 'break', provider: 'acme', attempt: 3, delayMs: 40 });
    expect(breaks[0]?.error?.code).toBe('LA_PROVIDER_UNAVAILABLE');
    const { fn, calls } = script();
    const error = await rejection(policy.execute(fn));
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect((error as CircuitOpenError).retryAfterMs).toBe(40);
    elapse(15);
    expect(((await rejection(policy.execute(fn))) as CircuitOpenError).retryAfterMs).toBe(25);
    expect(calls).toHaveLength(0);
  });

  it('never opens on user errors or aborts', async () => {
    const policy = breakerPolicy();
    for (let i = 0; i < 4; i++) await rejection(policy.execute(script(badRequest()).fn));
    for (let i = 0; i < 4; i++)
      await rejection(policy.execute(script().fn, { signal: AbortSignal.abort() }));
    expect(policy.circuitState).toBe('closed');
  });

  it('a success resets the consecutive count', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 } });
    await rejection(policy.execute(script(unavailable()).fn));
    await policy.execute(script().fn);
    await rejection(policy.execute(script(unavailable()).fn));
    expect(policy.circuitState).toBe('closed');
  });

  it('after recoveryTimeoutMs runs one single-attempt probe: success closes, failure re-opens', async () => {
    const policy = breakerPolicy();
    const events: string[] = [];
    for (const name of ['break', 'halfOpen', 'reset'] as const)
      policy.on(name, (e) => events.push(e.type));
    const open = async (): Promise<void> => {
      await rejection(policy.execute(script(unavailable(), unavailable(), unavailable()).fn));
      await rejection(policy.execute(script(unavailable(), unavailable(), unavailable()).fn));
    };
    await open();
    elapse(40);
    expect(policy.circuitState).toBe('half-open');
    const probe = script(unavailable(), unavailable());
    await rejection(policy.execute(probe.fn));
    expect(probe.calls).toHaveLength(1);
    expect(policy.circuitState).toBe('open');
    elapse(40);
    await expect(policy.execute(script().fn)).resolves.toBe('ok');
    expect(policy.circuitState).toBe('closed');
    expect(events).toEqual(['break', 'halfOpen', 'break', 'halfOpen', 'reset']);
  });

  it('an aborted probe keeps the circuit open (cockatiel would close it)', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 } });
    await rejection(policy.execute(script(unavailable()).fn));
    await rejection(policy.execute(script(unavailable()).fn));
    elapse(40);
    const controller = new AbortController();
    const pending = policy.execute(
      ({ signal }) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
      { signal: controller.signal },
    );
    controller.abort();
    expect((await rejection(pending)).code).toBe('LA_ABORTED');
    expect(policy.circuitState).toBe('open');
  });

  it('a user error from the probe closes the circuit: the provider answered', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 } });
    await rejection(policy.execute(script(unavailable()).fn));
    await rejection(policy.execute(script(unavailable()).fn));
    elapse(40);
    await rejection(policy.execute(script(badRequest()).fn));
    expect(policy.circuitState).toBe('closed');
  });

  it('calls arriving during the probe wait for it, then run', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 } });
    await rejection(policy.execute(script(unavailable()).fn));
    await rejection(policy.execute(script(unavailable()).fn));
    elapse(40);
    let release: (value: string) => void = () => undefined;
    const probe = policy.execute(() => new Promise<string>((resolve) => (release = resolve)));
    expect(policy.circuitState).toBe('half-open');
    const waiting = policy.execute(async () => 'second');
    release('first');
    await expect(Promise.all([probe, waiting])).resolves.toEqual(['first', 'second']);
  });

  it('a caller that aborts while waiting for the probe gets an AbortedError', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 } });
    await rejection(policy.execute(script(unavailable()).fn));
    await rejection(policy.execute(script(unavailable()).fn));
    elapse(40);
    let release: (value: string) => void = () => undefined;
    const probe = policy.execute(() => new Promise<string>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const { fn, calls } = script();
    const waiting = policy.execute(fn, { signal: controller.signal });
    controller.abort();
    release('probe');
    await expect(probe).resolves.toBe('probe');
    const error = await rejection(waiting);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it('uses a custom isFailure', async () => {
    const policy = breakerPolicy({
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 1, isFailure: (e) => e.code === 'LA_INVALID_REQUEST' },
    });
    await rejection(policy.execute(script(unavailable()).fn));
    expect(policy.circuitState).toBe('closed');
    await rejection(policy.execute(script(badRequest()).fn));
    expect(policy.circuitState).toBe('open');
  });

  it('half-opens on the real clock by default', async () => {
    const policy = createPolicy({
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 100 },
    });
    await rejection(policy.execute(script(unavailable()).fn));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(policy.circuitState).toBe('half-open');
    await expect(policy.execute(script().fn)).resolves.toBe('ok');
    expect(policy.circuitState).toBe('closed');
  });

  it('circuitBreaker: false never opens', async () => {
    const policy = breakerPolicy({ retry: { maxAttempts: 1 }, circuitBreaker: false });
    for (let i = 0; i < 5; i++) await rejection(policy.execute(script(unavailable()).fn));
    expect(policy.circuitState).toBe('closed');
  });
});

describe('policy: events and logging', () => {
  it('every event carries provider, attempt, delay and the classified error', async () => {
    const { sleep } = recordingSleep();
    const policy = createPolicy({
      provider: 'acme',
      sleep,
      retry: { maxAttempts: 2, baseDelayMs: 100, jitter: false },
    });
    const events: PolicyEvent[] = [];
    for (const name of ['retry', 'giveUp', 'success', 'failure'] as const)
      policy.on(name, (e) => events.push(e));
    await rejection(policy.execute(script(unavailable(), unavailable()).fn));
    await policy.execute(script().fn);
    expect(events.map((e) => [e.type, e.provider, e.attempt, e.delayMs, e.error?.code])).toEqual([
      ['failure', 'acme', 1, 100, 'LA_PROVIDER_UNAVAILABLE'],
      ['retry', 'acme', 2, 100, 'LA_PROVIDER_UNAVAILABLE'],
      ['failure', 'acme', 2, 0, 'LA_PROVIDER_UNAVAILABLE'],
      ['giveUp', 'acme', 2, 0, 'LA_PROVIDER_UNAVAILABLE'],
      ['success', 'acme', 1, 0, undefined],
    ]);
    expect(events[3]?.reason).toBe('attempts-exhausted');
    expect(typeof events[0]?.durationMs).toBe('number');
  });

  it('unsubscribes, and a throwing listener does not break the call', async () => {
    const logged: string[] = [];
    const log = (level: string) => (message: string) => logged.push(`${level}: ${message}`);
    const logger = {
      debug: log('debug'),
      info: log('info'),
      warning: log('warning'),
      error: log('error'),
    };
    const policy = createPolicy({ provider: 'acme', logger });
    const seen: string[] = [];
    const off = policy.on('success', () => seen.push('a'));
    policy.on('success', () => {
      throw new Error('listener bug');
    });
    await policy.execute(script().fn);
    off();
    await policy.execute(script().fn);
    expect(seen).toEqual(['a']);
    expect(logged.filter((l) => l.includes('listener threw'))).toHaveLength(2);
  });

  it('logs retries, give-ups and circuit changes with provider, attempt, delay and code', async () => {
    const records: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      records.push([level, message, fields]);
    const logger = {
      debug: log('debug'),
      info: log('info'),
      warning: log('warning'),
      error: log('error'),
    };
    const { sleep } = recordingSleep();
    const policy = createPolicy({
      provider: 'acme',
      logger,
      sleep,
      retry: { maxAttempts: 2, baseDelayMs: 50, jitter: false },
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 10_000 },
    });
    await rejection(policy.execute(script(unavailable(), unavailable()).fn));
    await rejection(policy.execute(script().fn));
    expect(
      records.map(([level, , fields]) => [
        level,
        fields?.['attempt'],
        fields?.['delayMs'],
        fields?.['code'],
      ]),
    ).toEqual([
      ['warning', 2, 50, 'LA_PROVIDER_UNAVAILABLE'],
      ['warning', 2, 0, 'LA_PROVIDER_UNAVAILABLE'],
      ['error', 2, 10_000, 'LA_PROVIDER_UNAVAILABLE'],
      ['debug', 0, expect.any(Number), 'LA_CIRCUIT_OPEN'],
    ]);
    expect(records.every(([, , fields]) => fields?.['provider'] === 'acme')).toBe(true);
  });

  it('reports a failing injected sleep as a give-up, not as an abort', async () => {
    const reasons: unknown[] = [];
    const policy = createPolicy({
      sleep: async () => {
        throw new Error('timer broke');
      },
    });
    policy.on('giveUp', (e) => reasons.push(e.reason));
    expect((await rejection(policy.execute(script(unavailable()).fn))).code).toBe('LA_INTERNAL');
    expect(reasons).toEqual(['not-retryable']);
  });

  it('names the provider "default" when none is given', () => {
    expect(createPolicy().provider).toBe('default');
  });
});

describe('policy: the breaker is ours (issue 13)', () => {
  let clock = 1_700_000_000_000;
  const policyOn = (extra: PolicyOptions = {}) =>
    createPolicy({
      provider: 'acme',
      sleep: recordingSleep().sleep,
      now: () => clock,
      retry: { maxAttempts: 3 },
      circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 1_000 },
      ...extra,
    });

  it('counts one logical call as one failure however many attempts it made, and opens on the threshold-th call', async () => {
    const policy = policyOn();
    const breaks: PolicyEvent[] = [];
    policy.on('break', (e) => breaks.push(e));
    const failing = script(...Array.from({ length: 9 }, unavailable));
    await rejection(policy.execute(failing.fn));
    await rejection(policy.execute(failing.fn));
    expect([failing.calls.length, policy.circuitState]).toEqual([6, 'closed']);
    await rejection(policy.execute(failing.fn));
    expect([failing.calls.length, policy.circuitState]).toEqual([9, 'open']);
    expect(breaks.map((e) => [e.attempt, e.delayMs])).toEqual([[3, 1_000]]);
  });

  it('half-opens exactly once on the injected clock: concurrent calls wait, one probe of one attempt reaches the provider', async () => {
    const policy = policyOn({ circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 1_000 } });
    const halfOpens: PolicyEvent[] = [];
    policy.on('halfOpen', (e) => halfOpens.push(e));
    await rejection(policy.execute(script(unavailable(), unavailable(), unavailable()).fn));
    clock += 999;
    expect(((await rejection(policy.execute(script().fn))) as CircuitOpenError).retryAfterMs).toBe(
      1,
    );
    clock += 1;
    const attempts: number[] = [];
    let release: () => void = () => undefined;
    const probe = policy.execute(async ({ attempt }) => {
      attempts.push(attempt);
      await new Promise<void>((resolve) => (release = resolve));
      throw unavailable();
    });
    const others = Array.from({ length: 4 }, () =>
      rejection(
        policy.execute(async () => {
          attempts.push(-1);
          return 'reached';
        }),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect([attempts, halfOpens.length, policy.circuitState]).toEqual([[1], 1, 'half-open']);
    release();
    expect((await rejection(probe)).code).toBe('LA_PROVIDER_UNAVAILABLE');
    expect((await Promise.all(others)).map((e) => e.code)).toEqual(
      Array(4).fill('LA_CIRCUIT_OPEN'),
    );
    expect([attempts, halfOpens.length, policy.circuitState]).toEqual([[1], 1, 'open']);
  });
});
