export { createPolicy } from './policy.js';
export type { Policy, AttemptContext, ExecuteOptions } from './policy.js';
export type {
  PolicyOptions,
  RetryOptions,
  CircuitBreakerOptions,
  ResilienceLogger,
} from './options.js';
export { DEFAULT_RETRY, DEFAULT_CIRCUIT_BREAKER, isProviderHealthFailure } from './options.js';
export type { PolicyEvent, PolicyEventName, PolicyListener, CircuitState } from './events.js';
export type { GiveUpReason } from './backoff.js';
export { backoffDelay } from './backoff.js';
export { METER_NAME } from './metrics.js';
export { PolicyRegistry } from './policy-registry.js';
export type { PolicyRegistryOptions, PolicyRegistryJSON } from './policy-registry.js';
export type { CircuitSnapshot } from './circuit.js';
export { createResilientFetch } from './resilient-fetch.js';
export type { ResilientFetchOptions } from './resilient-fetch.js';
export { executeWithFallback, FAILOVER_EXHAUSTED } from './fallback.js';
export type { FallbackCandidate, FallbackOptions, FallbackAttempt } from './fallback.js';
