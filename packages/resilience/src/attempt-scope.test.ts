import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LocalAgentError, TimeoutError } from '@localagent/errors';
import { createPolicy } from './policy';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What openai-node and @anthropic-ai/sdk do with the signal they are given: listen, never unlisten. */
function sdkLike(signal: AbortSignal): Promise<string> {
  signal.addEventListener('abort', () => undefined);
  return Promise.resolve('ok');
}

async function rejection(promise: Promise<unknown>): Promise<LocalAgentError> {
  try {
    await promise;
  } catch (error) {
    if (LocalAgentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('per-attempt signals', () => {
  it('10,000 calls sharing one caller signal leave one listener on it, whatever fn adds to its own', async () => {
    const policy = createPolicy({ circuitBreaker: false });
    const caller = new AbortController();
    for (let i = 0; i < 10_000; i++)
      await policy.execute(({ signal }) => sdkLike(signal), { signal: caller.signal });
    expect(getEventListeners(caller.signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('without a caller signal every attempt gets a signal of its own, released with the attempt', async () => {
    const policy = createPolicy({ circuitBreaker: false });
    const seen: WeakRef<AbortSignal>[] = [];
    const distinct = new Set<AbortSignal>();
    for (let i = 0; i < 10_000; i++) {
      await policy.execute(({ signal }) => {
        if (i < 2) distinct.add(signal);
        if (i % 1000 === 0) seen.push(new WeakRef(signal));
        return sdkLike(signal);
      });
    }
    expect(distinct.size).toBe(2);
    distinct.clear();
    for (let round = 0; round < 5 && seen.some((ref) => ref.deref() !== undefined); round++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    // the listeners fn added died with the attempts' signals
    expect(seen.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });

  it("a caller's abort after a successful return still reaches the attempt's signal (a body being streamed)", async () => {
    const policy = createPolicy({ circuitBreaker: false, timeoutMs: 5_000 });
    const caller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    await policy.execute(
      ({ signal }) => {
        attemptSignal = signal;
        return Promise.resolve('streaming');
      },
      { signal: caller.signal },
    );
    expect(attemptSignal?.aborted).toBe(false);
    caller.abort(new Error('user pressed Ctrl-C'));
    expect(attemptSignal?.aborted).toBe(true);
  });

  it("a caller's abort still reaches a returned attempt signal after garbage collection", async () => {
    const policy = createPolicy({ circuitBreaker: false });
    const caller = new AbortController();
    const held: AbortSignal[] = [];
    for (let i = 0; i < 5; i++) {
      await policy.execute(
        ({ signal }) => {
          held.push(signal);
          return Promise.resolve('streaming');
        },
        { signal: caller.signal },
      );
    }
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    caller.abort();
    expect(held.map((s) => s.aborted)).toEqual([true, true, true, true, true]);
  });

  it("the caller's AbortSignal.timeout() running out is a TimeoutError, not an abort", async () => {
    const policy = createPolicy({ circuitBreaker: false });
    const events: string[] = [];
    policy.on('retry', () => events.push('retry'));
    policy.on('giveUp', (e) => events.push(`giveUp:${e.reason}`));
    const error = await rejection(
      policy.execute(
        ({ signal }) =>
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason)),
          ),
        { signal: AbortSignal.timeout(20) },
      ),
    );
    expect([error.code, error.name]).toEqual(['LA_TIMEOUT', 'TimeoutError']);
    // no retry is announced for a call whose caller has already given up
    expect(events).toEqual(['giveUp:aborted']);
  });

  it('a failed attempt is unlinked from the caller signal at once', async () => {
    const policy = createPolicy({ circuitBreaker: false, retry: { maxAttempts: 1 } });
    const caller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    await rejection(
      policy.execute(
        ({ signal }) => {
          attemptSignal = signal;
          return Promise.reject(new Error('boom'));
        },
        { signal: caller.signal },
      ),
    );
    caller.abort();
    expect(attemptSignal?.aborted).toBe(false);
  });
});

describe('per-attempt timeout', () => {
  it('is a retryable TimeoutError even when fn rejects inside its abort listener (as the SDKs do)', async () => {
    const policy = createPolicy({
      circuitBreaker: false,
      timeoutMs: 30,
      retry: { maxAttempts: 3, baseDelayMs: 1 },
    });
    const attempts: number[] = [];
    const error = await rejection(
      policy.execute(
        ({ attempt, signal }) =>
          new Promise<never>((_, reject) => {
            attempts.push(attempt);
            // openai-node: APIUserAbortError, thrown synchronously in the listener
            signal.addEventListener('abort', () =>
              reject(Object.assign(new Error('Request was aborted.'), { name: 'AbortError' })),
            );
          }),
      ),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect([error.code, error.retryable]).toEqual(['LA_TIMEOUT', true]);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("is a TimeoutError when fn rejects with the signal's own reason, and when fn ignores the signal", async () => {
    const policy = createPolicy({
      circuitBreaker: false,
      timeoutMs: 20,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const withReason = await rejection(
      policy.execute(
        ({ signal }) =>
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason)),
          ),
      ),
    );
    expect(withReason.code).toBe('LA_TIMEOUT');
    const ignoring = await rejection(policy.execute(() => new Promise<never>(() => undefined)));
    expect(ignoring.code).toBe('LA_TIMEOUT');
    expect(ignoring.details).toMatchObject({ timeoutMs: 20 });
  });

  it("an AbortError that the caller did not cause (an SDK's own timer) is a retryable timeout", async () => {
    const policy = createPolicy({
      circuitBreaker: false,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    let calls = 0;
    const error = await rejection(
      policy.execute(
        () => {
          calls++;
          return Promise.reject(new DOMException('This operation was aborted', 'AbortError'));
        },
        { signal: new AbortController().signal },
      ),
    );
    expect([error.code, calls]).toEqual(['LA_TIMEOUT', 2]);
  });
});
