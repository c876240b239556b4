import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CircuitOpenError, ConfigurationError, ProviderUnavailableError } from '@localagent/errors';
import { PolicyRegistry, parseRegistryJSON } from './policy-registry';

const fail = async (): Promise<never> => {
  throw new ProviderUnavailableError({ provider: 'acme', message: 'down', status: 503 });
};

async function openCircuit(registry: PolicyRegistry, provider: string): Promise<void> {
  const policy = registry.get(provider);
  while (policy.circuitState === 'closed') await policy.execute(fail).catch(() => undefined);
}

const options = {
  retry: { maxAttempts: 1 },
  circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 60_000 },
};

describe('PolicyRegistry', () => {
  it('returns the same Policy (and breaker) for a provider every time', async () => {
    const registry = new PolicyRegistry(options);
    expect(registry.get('openai')).toBe(registry.get('openai'));
    expect(registry.get('openai')).not.toBe(registry.get('anthropic'));
    await openCircuit(registry, 'openai');
    expect(registry.get('openai').circuitState).toBe('open');
    expect(registry.get('anthropic').circuitState).toBe('closed');
  });

  it('applies per-provider overrides over the defaults', async () => {
    const registry = new PolicyRegistry({
      ...options,
      providers: {
        ollama: { circuitBreaker: false },
        groq: { circuitBreaker: { failureThreshold: 1 } },
      },
    });
    for (let i = 0; i < 3; i++)
      await registry
        .get('ollama')
        .execute(fail)
        .catch(() => undefined);
    expect(registry.get('ollama').circuitState).toBe('closed');
    await registry
      .get('groq')
      .execute(fail)
      .catch(() => undefined);
    expect(registry.get('groq').circuitState).toBe('open');
    expect(registry.get('groq').provider).toBe('groq');
  });

  it('persists breaker state with wall-clock times and restores an open circuit in a new registry', async () => {
    const before = Date.now();
    const first = new PolicyRegistry(options);
    await openCircuit(first, 'openai');
    await first
      .get('anthropic')
      .execute(fail)
      .catch(() => undefined);
    first.get('ollama');
    const json = JSON.parse(JSON.stringify(first)) as ReturnType<PolicyRegistry['toJSON']>;
    expect(json.version).toBe(1);
    expect(json.providers['openai']).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    expect(json.providers['openai']?.openedAt).toBeGreaterThanOrEqual(before);
    expect(json.providers['anthropic']).toEqual({ state: 'closed', consecutiveFailures: 1 });

    const second = PolicyRegistry.fromJSON(JSON.stringify(json), options);
    expect(second.providers().sort()).toEqual(['anthropic', 'ollama', 'openai']);
    let calls = 0;
    const error = await second
      .get('openai')
      .execute(async () => {
        calls++;
        return 'ok';
      })
      .catch((e: unknown) => e);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect((error as CircuitOpenError).retryAfterMs).toBeGreaterThan(50_000);
    expect(calls).toBe(0);
    // the restored count carries on: one more failure opens anthropic's circuit
    await second
      .get('anthropic')
      .execute(fail)
      .catch(() => undefined);
    expect(second.get('anthropic').circuitState).toBe('open');
  });

  it('keeps restored states of providers this process never used', () => {
    const json = {
      version: 1,
      savedAt: Date.now(),
      providers: { gemini: { state: 'open', consecutiveFailures: 5, openedAt: Date.now() } },
    };
    const registry = PolicyRegistry.fromJSON(json, options);
    expect(registry.toJSON().providers['gemini']).toEqual(json.providers.gemini);
  });

  it('restores an open circuit whose recovery time has passed as half-open, and one saved half-open likewise', async () => {
    const long = Date.now() - 120_000;
    const registry = PolicyRegistry.fromJSON(
      {
        version: 1,
        savedAt: Date.now(),
        providers: {
          a: { state: 'open', consecutiveFailures: 2, openedAt: long },
          b: { state: 'half-open', consecutiveFailures: 2 },
        },
      },
      options,
    );
    expect(registry.get('a').circuitState).toBe('half-open');
    expect(registry.get('b').circuitState).toBe('half-open');
    await expect(registry.get('a').execute(async () => 'probe')).resolves.toBe('probe');
    expect(registry.get('a').circuitState).toBe('closed');
  });

  it('treats an openedAt in the future (clock skew) as now', async () => {
    const registry = PolicyRegistry.fromJSON(
      {
        version: 1,
        savedAt: Date.now(),
        providers: {
          a: { state: 'open', consecutiveFailures: 2, openedAt: Date.now() + 10 * 60_000 },
        },
      },
      options,
    );
    const error = (await registry
      .get('a')
      .execute(async () => 'x')
      .catch((e: unknown) => e)) as CircuitOpenError;
    expect(error.code).toBe('LA_CIRCUIT_OPEN');
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('saves a half-open circuit (probe in flight) as half-open', async () => {
    const registry = PolicyRegistry.fromJSON(
      {
        version: 1,
        savedAt: 0,
        providers: { a: { state: 'open', consecutiveFailures: 2, openedAt: 0 } },
      },
      options,
    );
    let release: () => void = () => undefined;
    const probe = registry
      .get('a')
      .execute(() => new Promise<void>((resolve) => (release = resolve)));
    expect(registry.toJSON().providers['a']).toEqual({
      state: 'half-open',
      consecutiveFailures: 2,
    });
    release();
    await probe;
  });

  it('round-trips any provider name, `__proto__` included, without touching prototypes', () => {
    const text =
      '{"version":1,"savedAt":1,"providers":{"__proto__":{"state":"closed","consecutiveFailures":3}}}';
    const registry = PolicyRegistry.fromJSON(text, options);
    const json = registry.toJSON();
    expect(Object.getPrototypeOf(json.providers)).toBe(Object.prototype);
    expect(JSON.stringify(json.providers)).toBe(
      '{"__proto__":{"state":"closed","consecutiveFailures":3}}',
    );
    expect(({} as Record<string, unknown>)['state']).toBeUndefined();
  });

  it.each([
    ['not json', '{', '$'],
    ['not an object', '[1]', '$'],
    ['wrong version', { version: 2, savedAt: 0, providers: {} }, '$.version'],
    ['no savedAt', { version: 1, providers: {} }, '$.savedAt'],
    ['providers not an object', { version: 1, savedAt: 0, providers: [] }, '$.providers'],
    ['provider not an object', { version: 1, savedAt: 0, providers: { a: 3 } }, '$.providers.a'],
    [
      'unknown state',
      { version: 1, savedAt: 0, providers: { a: { state: 'ajar', consecutiveFailures: 0 } } },
      '$.providers.a.state',
    ],
    [
      'negative count',
      { version: 1, savedAt: 0, providers: { a: { state: 'closed', consecutiveFailures: -1 } } },
      '$.providers.a.consecutiveFailures',
    ],
    [
      'open without openedAt',
      { version: 1, savedAt: 0, providers: { a: { state: 'open', consecutiveFailures: 1 } } },
      '$.providers.a.openedAt',
    ],
  ])(
    'rejects malformed state (%s) with a ConfigurationError naming the field',
    (_, input, path) => {
      let thrown: unknown;
      try {
        parseRegistryJSON(input);
      } catch (error) {
        thrown = error;
      }
      expect(ConfigurationError.isInstance(thrown)).toBe(true);
      expect((thrown as ConfigurationError).details).toEqual({ path });
      expect(() => PolicyRegistry.fromJSON(input)).toThrow(/Invalid circuit-breaker state/);
    },
  );
});

/**
 * `__fixtures__/breakers-v1.json` is a state file written by the cockatiel-based breaker (commit
 * fc09b5d), on a clock set to 2026-01-01T00:00:00Z (`openedAt` 1767225600000), with threshold 5 and
 * recovery 60 s: openai opened (5 failed calls), anthropic 2 failed calls, ollama one success, groq
 * opened then its probe left in flight 60 s later, saved 1 s after that. Files like it sit in users'
 * cache dirs (the CLI's breakers.json): our own breaker must restore them as that code would have.
 */
describe('PolicyRegistry: state files written before the breaker was ours', () => {
  const text = readFileSync(join(__dirname, '__fixtures__', 'breakers-v1.json'), 'utf8');
  const openedAt = 1_767_225_600_000;
  let clock = openedAt + 30_000;
  const restoring = {
    now: () => clock,
    retry: { maxAttempts: 1 },
    circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 60_000 },
  };

  it('reads as version 1 and round-trips untouched', () => {
    const saved = JSON.parse(text) as { version: number; providers: Record<string, unknown> };
    expect(saved.version).toBe(1);
    expect(PolicyRegistry.fromJSON(text, restoring).toJSON()).toEqual({ ...saved, savedAt: clock });
  });

  it('restores each breaker: open until openedAt + recovery, counts carry on, a probe in flight is due at once', async () => {
    clock = openedAt + 30_000;
    const registry = PolicyRegistry.fromJSON(text, restoring);
    const refused = (await registry
      .get('openai')
      .execute(async () => 'sent')
      .catch((e: unknown) => e)) as CircuitOpenError;
    expect([refused.code, refused.retryAfterMs]).toEqual(['LA_CIRCUIT_OPEN', 30_000]);
    expect(registry.get('ollama').circuitState).toBe('closed');
    await registry
      .get('anthropic')
      .execute(fail)
      .catch(() => undefined);
    expect(registry.get('anthropic').circuitState).toBe('open');
    expect(registry.get('groq').circuitState).toBe('half-open');
    await expect(registry.get('groq').execute(async () => 'probe')).resolves.toBe('probe');
    clock = openedAt + 60_000;
    await expect(registry.get('openai').execute(async () => 'probe')).resolves.toBe('probe');
    expect(registry.toJSON().providers).toEqual({
      openai: { state: 'closed', consecutiveFailures: 0 },
      anthropic: { state: 'open', consecutiveFailures: 3, openedAt: openedAt + 30_000 },
      ollama: { state: 'closed', consecutiveFailures: 0 },
      groq: { state: 'closed', consecutiveFailures: 0 },
    });
  });

  it('refuses a state file of a newer format (version 2) with LA_CONFIG_INVALID at $.version instead of half-reading it', () => {
    const newer = { ...(JSON.parse(text) as object), version: 2 };
    let thrown: unknown;
    try {
      PolicyRegistry.fromJSON(newer, restoring);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    expect([(thrown as ConfigurationError).code, (thrown as ConfigurationError).details]).toEqual([
      'LA_CONFIG_INVALID',
      { path: '$.version' },
    ]);
    expect((thrown as ConfigurationError).message).toBe(
      'Invalid circuit-breaker state at $.version: unsupported version 2, expected 1',
    );
  });
});
