import OpenAI from 'openai';
import {
  AbortedError,
  AuthenticationError,
  ConfigurationError,
  InvalidRequestError,
  LocalAgentError,
  ProviderUnavailableError,
  QuotaExceededError,
} from '@localagent/errors';
import { executeWithFallback, type FallbackAttempt } from './fallback';
import { PolicyRegistry } from './policy-registry';

const registry = (): PolicyRegistry =>
  new PolicyRegistry({
    sleep: async () => undefined,
    retry: { maxAttempts: 2 },
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
  });

function failing(error: () => unknown): { calls: number; run: () => Promise<never> } {
  const state = {
    calls: 0,
    run: async (): Promise<never> => {
      state.calls++;
      throw error();
    },
  };
  return state;
}

const down = (provider: string) => () =>
  new ProviderUnavailableError({ provider, message: `${provider} is down`, status: 503 });

describe('executeWithFallback', () => {
  it('returns the first success, moving on after transient, authentication and quota errors', async () => {
    const reg = registry();
    const openai = failing(down('openai'));
    const anthropic = failing(
      () =>
        new AuthenticationError({
          provider: 'anthropic',
          message: 'invalid x-api-key',
          status: 401,
        }),
    );
    const gemini = failing(
      () => new QuotaExceededError({ provider: 'gemini', message: 'quota', status: 429 }),
    );
    const hops: Array<[string, string]> = [];
    const result = await executeWithFallback(
      reg,
      [
        { provider: 'openai', run: openai.run },
        { provider: 'anthropic', run: anthropic.run },
        { provider: 'gemini', run: gemini.run },
        { provider: 'ollama', run: async ({ attempt }) => `local answer (attempt ${attempt})` },
      ],
      { onFallback: (failed, next) => hops.push([failed.code, next]) },
    );
    expect(result).toEqual({ provider: 'ollama', value: 'local answer (attempt 1)' });
    expect([openai.calls, anthropic.calls, gemini.calls]).toEqual([2, 1, 1]);
    expect(hops).toEqual([
      ['LA_PROVIDER_UNAVAILABLE', 'anthropic'],
      ['LA_AUTH_FAILED', 'gemini'],
      ['LA_QUOTA_EXCEEDED', 'ollama'],
    ]);
  });

  it('skips a provider whose circuit is open without calling it', async () => {
    const reg = registry();
    await reg
      .get('openai')
      .execute(failing(down('openai')).run)
      .catch(() => undefined);
    expect(reg.get('openai').circuitState).toBe('open');
    const openai = failing(down('openai'));
    const result = await executeWithFallback(reg, [
      { provider: 'openai', run: openai.run },
      { provider: 'anthropic', run: async () => 'claude' },
    ]);
    expect(result.provider).toBe('anthropic');
    expect(openai.calls).toBe(0);
  });

  it("stops at the request's own fault: the next provider would refuse it too", async () => {
    const reg = registry();
    const next = failing(down('anthropic'));
    const error = await executeWithFallback(reg, [
      {
        provider: 'openai',
        run: failing(
          () =>
            new InvalidRequestError({
              provider: 'openai',
              message: 'context too long',
              status: 400,
            }),
        ).run,
      },
      { provider: 'anthropic', run: next.run },
    ]).catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(next.calls).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    const error = await executeWithFallback(
      registry(),
      [{ provider: 'openai', run: async () => 'x' }],
      { signal: AbortSignal.abort() },
    ).catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
  });

  it('when all fail, throws LA_FAILOVER_EXHAUSTED listing each provider with its error, secrets masked', async () => {
    const reg = registry();
    await reg
      .get('gemini')
      .execute(failing(down('gemini')).run)
      .catch(() => undefined);
    const key = ['sk', 'proj', 'A'.repeat(24) + Math.random().toString(16).slice(2)].join('-');
    const error = (await executeWithFallback(reg, [
      { provider: 'openai', run: failing(down('openai')).run },
      {
        provider: 'anthropic',
        run: failing(() => new Error(`401 Incorrect API key provided: ${key}`)).run,
      },
      { provider: 'gemini', run: async () => 'never' },
    ]).catch((e: unknown) => e)) as LocalAgentError;
    expect(error.code).toBe('LA_FAILOVER_EXHAUSTED');
    expect(error.category).toBe('permanent');
    const attempts = error.details['attempts'] as FallbackAttempt[];
    expect(attempts.map((a) => [a.provider, a.code, a.skipped])).toEqual([
      ['openai', 'LA_PROVIDER_UNAVAILABLE', false],
      ['anthropic', 'LA_INTERNAL', false],
      ['gemini', 'LA_CIRCUIT_OPEN', true],
    ]);
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
    expect(attempts[0]?.message).toBe('openai is down');
  });

  it('is transient when every provider failed transiently', async () => {
    const error = (await executeWithFallback(registry(), [
      { provider: 'a', run: failing(down('a')).run },
      { provider: 'b', run: failing(down('b')).run },
    ]).catch((e: unknown) => e)) as LocalAgentError;
    expect(error.category).toBe('transient');
    expect(error.retryable).toBe(true);
  });

  it('rejects an empty candidate list', async () => {
    expect(
      ConfigurationError.isInstance(
        await executeWithFallback(registry(), []).catch((e: unknown) => e),
      ),
    ).toBe(true);
  });

  describe('alreadyResilient: run goes through the policy by itself', () => {
    it('calls each candidate once (no second retry loop) and unwraps our error from an SDK wrapper', async () => {
      const reg = registry();
      const first = failing(
        () =>
          new OpenAI.APIConnectionError({
            cause: new ProviderUnavailableError({
              provider: 'openai',
              message: 'openai is down',
              status: 503,
            }),
          }),
      );
      const result = await executeWithFallback(
        reg,
        [
          { provider: 'openai', run: first.run },
          {
            provider: 'anthropic',
            run: async ({ attempt, signal }) => `attempt ${attempt}, aborted ${signal.aborted}`,
          },
        ],
        { alreadyResilient: true },
      );
      expect(result).toEqual({ provider: 'anthropic', value: 'attempt 1, aborted false' });
      expect(first.calls).toBe(1);
    });

    it('still skips an open circuit without calling run, and stops on an abort', async () => {
      const reg = registry();
      await reg
        .get('openai')
        .execute(failing(down('openai')).run)
        .catch(() => undefined);
      const openai = failing(down('openai'));
      const error = (await executeWithFallback(reg, [{ provider: 'openai', run: openai.run }], {
        alreadyResilient: true,
      }).catch((e: unknown) => e)) as LocalAgentError;
      expect(openai.calls).toBe(0);
      expect((error.details['attempts'] as FallbackAttempt[])[0]).toMatchObject({
        code: 'LA_CIRCUIT_OPEN',
        skipped: true,
      });
      const aborted = await executeWithFallback(
        reg,
        [{ provider: 'anthropic', run: async () => 'x' }],
        { alreadyResilient: true, signal: AbortSignal.abort() },
      ).catch((e: unknown) => e);
      expect(AbortedError.isInstance(aborted)).toBe(true);
    });
  });
});
