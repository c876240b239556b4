/**
 * Side by side: what cockatiel 3.2 does on its own, and what our Policy does instead. If a cockatiel
 * upgrade changes one of these behaviours, the first assertion of that test says so.
 */
import { InvalidRequestError, ProviderUnavailableError } from '@localagent/errors';
import {
  CircuitState,
  ConsecutiveBreaker,
  ConstantBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { createPolicy } from '../src/policy';

const down = (): ProviderUnavailableError =>
  new ProviderUnavailableError({ provider: 'acme', message: 'down', status: 503 });

describe('cockatiel traps we do not inherit', () => {
  it("maxAttempts: cockatiel's counts retries (3 → 4 calls); ours counts attempts (3 → 3 calls)", async () => {
    let theirs = 0;
    await retry(handleAll, { maxAttempts: 3 })
      .execute(async () => {
        theirs++;
        throw down();
      })
      .catch(() => undefined);
    let ours = 0;
    await createPolicy({ retry: { maxAttempts: 3 }, sleep: async () => undefined })
      .execute(async () => {
        ours++;
        throw down();
      })
      .catch(() => undefined);
    expect([theirs, ours]).toEqual([4, 3]);
  });

  it('abort during backoff: cockatiel waits the full delay then calls fn once more; ours rejects at once and does not', async () => {
    const controller = new AbortController();
    let theirs = 0;
    const policy = retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(30) });
    policy.onRetry(() => controller.abort());
    await policy
      .execute(async () => {
        theirs++;
        throw down();
      }, controller.signal)
      .catch(() => undefined);

    const ourController = new AbortController();
    let ours = 0;
    const ourPolicy = createPolicy({
      retry: { maxAttempts: 2, baseDelayMs: 60_000, jitter: false },
      circuitBreaker: false,
    });
    ourPolicy.on('retry', () => ourController.abort());
    const error = await ourPolicy
      .execute(
        async () => {
          ours++;
          throw down();
        },
        { signal: ourController.signal },
      )
      .catch((e: { code: string }) => e.code);
    expect([theirs, ours, error]).toEqual([2, 1, 'LA_ABORTED']);
  });

  it('wrap(retry, breaker) counts every attempt as a breaker failure (cockatiel #85); ours counts the logical call', async () => {
    const breaker = circuitBreaker(handleAll, {
      halfOpenAfter: 60_000,
      breaker: new ConsecutiveBreaker(3),
    });
    await wrap(retry(handleAll, { maxAttempts: 2 }), breaker)
      .execute(async () => {
        throw down();
      })
      .catch(() => undefined);
    const ours = createPolicy({
      retry: { maxAttempts: 3 },
      sleep: async () => undefined,
      circuitBreaker: { failureThreshold: 3 },
    });
    await ours
      .execute(async () => {
        throw down();
      })
      .catch(() => undefined);
    expect([breaker.state === 1 ? 'open' : 'closed', ours.circuitState]).toEqual([
      'open',
      'closed',
    ]);
  });

  it('timeout: cockatiel aborts the signal when fn returns (it would cut a fetch body); ours leaves it', async () => {
    let theirs: AbortSignal | undefined;
    await timeout(1000, TimeoutStrategy.Aggressive).execute(async ({ signal }) => {
      theirs = signal;
    });
    let ours: AbortSignal | undefined;
    await createPolicy({ timeoutMs: 1000 }).execute(async ({ signal }) => {
      ours = signal;
    });
    expect([theirs?.aborted, ours?.aborted]).toEqual([true, false]);
  });

  it('a probe answered with an error the breaker does not count: cockatiel closes but keeps its count (one more failure reopens); ours starts afresh', async () => {
    const badRequest = (): InvalidRequestError =>
      new InvalidRequestError({ provider: 'acme', message: 'bad model', status: 400 });
    const breaker = circuitBreaker(
      handleWhen((error) => ProviderUnavailableError.isInstance(error)),
      { halfOpenAfter: 0, breaker: new ConsecutiveBreaker(2) },
    );
    const theirs = (error: Error): Promise<unknown> =>
      breaker
        .execute(async () => {
          throw error;
        })
        .catch(() => undefined);
    await theirs(down());
    await theirs(down());
    await theirs(badRequest());
    const theirsAfterProbe = breaker.state;
    await theirs(down());
    const ours = createPolicy({
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 0 },
    });
    const fail = (error: Error): Promise<unknown> =>
      ours
        .execute(async () => {
          throw error;
        })
        .catch(() => undefined);
    await fail(down());
    await fail(down());
    await fail(badRequest());
    const oursAfterProbe = ours.circuitState;
    await fail(down());
    expect([theirsAfterProbe, breaker.state, oursAfterProbe, ours.circuitState]).toEqual([
      CircuitState.Closed,
      CircuitState.Open,
      'closed',
      'closed',
    ]);
  });
});
