import { CircuitOpenError, ConfigurationError, ProviderUnavailableError } from '@localagent/errors';
import { PolicyRegistry, parseRegistryJSON } from './policy-registry';

const fail = async (): Promise<never> => {
  throw new ProviderUnavailableError({ provider: 'acme', message: 'down', status: 503 });
};

async function openCircuit(registry: PolicyRegistry, provider: string): Promise<void> {
  const policy = registry.get(provider);
  while (policy.circuitState === 'closed') await policy.execute(fail).catch(() => undefined);
}

const options = { retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 60_000 } };

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
    const registry = new PolicyRegistry({ ...options, providers: { ollama: { circuitBreaker: false }, groq: { circuitBreaker: { failureThreshold: 1 } } } });
    for (let i = 0; i < 3; i++) await registry.get('ollama').execute(fail).catch(() => undefined);
    expect(registry.get('ollama').circuitState).toBe('closed');
    await registry.get('groq').execute(fail).catch(() => undefined);
    expect(registry.get('groq').circuitState).toBe('open');
    expect(registry.get('groq').provider).toBe('groq');
  });

  it('persists breaker state with wall-clock times and restores an open circuit in a new registry', async () => {
    const before = Date.now();
    const first = new PolicyRegistry(options);
    await openCircuit(first, 'openai');
    await first.get('anthropic').execute(fail).catch(() => undefined);
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
    await second.get('anthropic').execute(fail).catch(() => undefined);
    expect(second.get('anthropic').circuitState).toBe('open');
  });

  it('keeps restored states of providers this process never used', () => {
    const json = { version: 1, savedAt: Date.now(), providers: { gemini: { state: 'open', consecutiveFailures: 5, openedAt: Date.now() } } };
    const registry = PolicyRegistry.fromJSON(json, options);
    expect(registry.toJSON().providers['gemini']).toEqual(json.providers.gemini);
  });

  it('restores an open circuit whose recovery time has passed as half-open, and one saved half-open likewise', async () => {
    const long = Date.now() - 120_000;
    const registry = PolicyRegistry.fromJSON(
      {
        version: 1,
        savedAt: Date.now(),
        providers: { a: { state: 'open', consecutiveFailures: 2, openedAt: long }, b: { state: 'half-open', consecutiveFailures: 2 } },
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
      { version: 1, savedAt: Date.now(), providers: { a: { state: 'open', consecutiveFailures: 2, openedAt: Date.now() + 10 * 60_000 } } },
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
      { version: 1, savedAt: 0, providers: { a: { state: 'open', consecutiveFailures: 2, openedAt: 0 } } },
      options,
    );
    let release: () => void = () => undefined;
    const probe = registry.get('a').execute(() => new Promise<void>((resolve) => (release = resolve)));
    expect(registry.toJSON().providers['a']).toEqual({ state: 'half-open', consecutiveFailures: 2 });
    release();
    await probe;
  });

  it('round-trips any provider name, `__proto__` included, without touching prototypes', () => {
    const text = '{"version":1,"savedAt":1,"providers":{"__proto__":{"state":"closed","consecutiveFailures":3}}}';
    const registry = PolicyRegistry.fromJSON(text, options);
    const json = registry.toJSON();
    expect(Object.getPrototypeOf(json.providers)).toBe(Object.prototype);
    expect(JSON.stringify(json.providers)).toBe('{"__proto__":{"state":"closed","consecutiveFailures":3}}');
    expect(({} as Record<string, unknown>)['state']).toBeUndefined();
  });

  it.each([
    ['not json', '{', '$'],
    ['not an object', '[1]', '$'],
    ['wrong version', { version: 2, savedAt: 0, providers: {} }, '$.version'],
    ['no savedAt', { version: 1, providers: {} }, '$.savedAt'],
    ['providers not an object', { version: 1, savedAt: 0, providers: [] }, '$.providers'],
    ['provider not an object', { version: 1, savedAt: 0, providers: { a: 3 } }, '$.providers.a'],
    ['unknown state', { version: 1, savedAt: 0, providers: { a: { state: 'ajar', consecutiveFailures: 0 } } }, '$.providers.a.state'],
    ['negative count', { version: 1, savedAt: 0, providers: { a: { state: 'closed', consecutiveFailures: -1 } } }, '$.providers.a.consecutiveFailures'],
    ['open without openedAt', { version: 1, savedAt: 0, providers: { a: { state: 'open', consecutiveFailures: 1 } } }, '$.providers.a.openedAt'],
  ])('rejects malformed state (%s) with a ConfigurationError naming the field', (_, input, path) => {
    let thrown: unknown;
    try {
      parseRegistryJSON(input);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigurationError).details).toEqual({ path });
    expect(() => PolicyRegistry.fromJSON(input)).toThrow(/Invalid circuit-breaker state/);
  });
});
