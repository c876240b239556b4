import { ConfigurationError } from '@localagent/errors';
import type { CircuitSnapshot } from './circuit.js';
import type { CircuitState } from './events.js';
import { mergePolicyOptions, type PolicyOptions } from './options.js';
import { ResiliencePolicy, type Policy } from './policy.js';

export interface PolicyRegistryOptions extends Omit<PolicyOptions, 'provider'> {
  /** Per-provider overrides, merged over the defaults (`retry` and `circuitBreaker` field by field). */
  providers?: Record<string, Omit<PolicyOptions, 'provider'>>;
}

/** `PolicyRegistry.toJSON()`: every provider's breaker, with wall-clock times. */
export interface PolicyRegistryJSON {
  version: 1;
  /** Epoch ms when the state was taken. */
  savedAt: number;
  providers: Record<string, CircuitSnapshot>;
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * One Policy (and so one circuit breaker) per provider, shared by every caller in the process. A CLI
 * run lasts seconds, so an in-memory breaker alone would never open: persist `toJSON()` at exit and
 * restore it with `PolicyRegistry.fromJSON()` at start.
 */
export class PolicyRegistry {
  readonly #defaults: Omit<PolicyOptions, 'provider'>;
  readonly #overrides: Record<string, Omit<PolicyOptions, 'provider'>>;
  readonly #policies = new Map<string, ResiliencePolicy>();
  /** Restored states of providers not used yet in this process; kept so `toJSON()` does not drop them. */
  readonly #restored = new Map<string, CircuitSnapshot>();

  constructor(options: PolicyRegistryOptions = {}) {
    const { providers, ...defaults } = options;
    this.#defaults = defaults;
    this.#overrides = { ...providers };
  }

  /** The provider's Policy: the same object every time, so one breaker counts all its calls. */
  get(provider: string): Policy {
    return this.policy(provider);
  }

  /** @internal the concrete policy (the fetch wrapper derives from it). */
  policy(provider: string): ResiliencePolicy {
    let policy = this.#policies.get(provider);
    if (policy === undefined) {
      const options = mergePolicyOptions(
        this.#defaults,
        Object.hasOwn(this.#overrides, provider) ? this.#overrides[provider] : undefined,
        { provider },
      );
      policy = new ResiliencePolicy(options, undefined, this.#restored.get(provider));
      this.#restored.delete(provider);
      this.#policies.set(provider, policy);
    }
    return policy;
  }

  /** The providers that have a Policy or a restored state. */
  providers(): string[] {
    return [...new Set([...this.#policies.keys(), ...this.#restored.keys()])];
  }

  toJSON(): PolicyRegistryJSON {
    const providers = new Map(this.#restored);
    for (const [provider, policy] of this.#policies) {
      const snapshot = policy.snapshot();
      if (snapshot !== undefined) providers.set(provider, snapshot);
    }
    // fromEntries defines own properties: a provider named `__proto__` cannot touch the prototype
    return {
      version: 1,
      savedAt: (this.#defaults.now ?? Date.now)(),
      providers: Object.fromEntries(providers),
    };
  }

  /**
   * A registry whose breakers start where a previous process left them (`json` is `toJSON()`'s
   * value or its JSON text). An open circuit stays open until `openedAt + recoveryTimeoutMs` of the
   * restoring registry's options. Malformed input throws a ConfigurationError naming the bad field:
   * a caller that keeps the state in a file can delete it and start fresh.
   */
  static fromJSON(json: unknown, options: PolicyRegistryOptions = {}): PolicyRegistry {
    const registry = new PolicyRegistry(options);
    for (const [provider, snapshot] of Object.entries(parseRegistryJSON(json).providers))
      registry.#restored.set(provider, snapshot);
    return registry;
  }
}

function invalid(path: string, problem: string): ConfigurationError {
  return new ConfigurationError({
    message: `Invalid circuit-breaker state at ${path}: ${problem}`,
    details: { path },
    suggestion: 'Delete the saved circuit-breaker state; it is rebuilt from the next calls.',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the shape written by `toJSON()`. */
export function parseRegistryJSON(input: unknown): PolicyRegistryJSON {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input) as unknown;
    } catch (error) {
      throw invalid('$', `not JSON (${(error as Error).message})`);
    }
  }
  if (!isRecord(json)) throw invalid('$', 'expected an object');
  if (json['version'] !== 1)
    throw invalid(
      '$.version',
      `unsupported version ${JSON.stringify(json['version'])}, expected 1`,
    );
  const savedAt = json['savedAt'];
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt))
    throw invalid('$.savedAt', 'expected epoch milliseconds');
  const rawProviders = json['providers'];
  if (!isRecord(rawProviders)) throw invalid('$.providers', 'expected an object');
  const providers = new Map<string, CircuitSnapshot>();
  for (const [provider, raw] of Object.entries(rawProviders)) {
    const path = `$.providers.${provider}`;
    if (!isRecord(raw)) throw invalid(path, 'expected an object');
    const state = raw['state'];
    if (typeof state !== 'string' || !STATES.includes(state as CircuitState))
      throw invalid(`${path}.state`, `expected one of ${STATES.join(', ')}`);
    const failures = raw['consecutiveFailures'];
    if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 0) {
      throw invalid(`${path}.consecutiveFailures`, 'expected an integer >= 0');
    }
    const snapshot: CircuitSnapshot = {
      state: state as CircuitState,
      consecutiveFailures: failures,
    };
    if (state === 'open') {
      const openedAt = raw['openedAt'];
      if (typeof openedAt !== 'number' || !Number.isFinite(openedAt) || openedAt < 0)
        throw invalid(`${path}.openedAt`, 'expected epoch milliseconds');
      snapshot.openedAt = openedAt;
    }
    providers.set(provider, snapshot);
  }
  return { version: 1, savedAt, providers: Object.fromEntries(providers) };
}
