import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';

export const METER_NAME = '@localagent/resilience';

export interface ResilienceInstruments {
  retries: Counter;
  giveUps: Counter;
  circuitStateChanges: Counter;
  attemptDuration: Histogram;
}

let cachedProvider: MeterProvider | undefined;
let cached: ResilienceInstruments | undefined;

/**
 * The instruments, created on first use and re-created when another MeterProvider is registered
 * (the API has no proxy meter provider: instruments made before `setGlobalMeterProvider` stay no-ops).
 * Without an SDK they are the API's no-op instruments, so recording costs a function call.
 */
export function instruments(): ResilienceInstruments {
  const provider = metrics.getMeterProvider();
  if (cached !== undefined && provider === cachedProvider) return cached;
  const meter = provider.getMeter(METER_NAME);
  cachedProvider = provider;
  cached = {
    retries: meter.createCounter('localagent.resilience.retries', {
      description: 'Retries of failed provider-call attempts',
    }),
    giveUps: meter.createCounter('localagent.resilience.give_ups', {
      description: 'Calls that failed after their last attempt',
    }),
    circuitStateChanges: meter.createCounter('localagent.resilience.circuit.state_changes', {
      description: 'Circuit breaker transitions, by new state',
    }),
    attemptDuration: meter.createHistogram('localagent.resilience.attempt.duration', {
      description: 'Duration of one attempt of a provider call',
      unit: 'ms',
    }),
  };
  return cached;
}
