import { metrics, type Attributes, type Meter, type MeterProvider } from '@opentelemetry/api';
import { ProviderUnavailableError } from '@localagent/errors';
import { METER_NAME, instruments } from './metrics';
import { createPolicy } from './policy';

interface Recorded {
  instrument: string;
  value: number;
  attributes: Attributes | undefined;
}

/** A real MeterProvider (the API's interface) that keeps every measurement. */
function recordingProvider(): { provider: MeterProvider; recorded: Recorded[]; meters: string[] } {
  const recorded: Recorded[] = [];
  const meters: string[] = [];
  const noop = metrics.getMeterProvider().getMeter('noop');
  const instrument = (name: string) => ({
    add: (value: number, attributes?: Attributes) =>
      recorded.push({ instrument: name, value, attributes }),
    record: (value: number, attributes?: Attributes) =>
      recorded.push({ instrument: name, value, attributes }),
  });
  const meter = {
    ...noop,
    createCounter: instrument,
    createHistogram: instrument,
  } as unknown as Meter;
  return {
    recorded,
    meters,
    provider: {
      getMeter: (name: string) => {
        meters.push(name);
        return meter;
      },
    },
  };
}

describe('metrics', () => {
  afterEach(() => metrics.disable());

  it('are no-ops without a registered SDK', () => {
    const first = instruments();
    expect(() => first.retries.add(1)).not.toThrow();
    expect(instruments()).toBe(first);
  });

  it('count retries, give-ups and circuit changes, and time attempts, once a MeterProvider is registered', async () => {
    instruments(); // created before registration: must be re-created, not stay no-ops
    const { provider, recorded, meters } = recordingProvider();
    metrics.setGlobalMeterProvider(provider);
    const policy = createPolicy({
      provider: 'acme',
      sleep: async () => undefined,
      retry: { maxAttempts: 2 },
      circuitBreaker: { failureThreshold: 1 },
    });
    await policy
      .execute(async () => {
        throw new ProviderUnavailableError({ provider: 'acme', message: 'down', status: 503 });
      })
      .catch(() => undefined);
    expect(meters).toEqual([METER_NAME]);
    const byName = (name: string) => recorded.filter((r) => r.instrument === name);
    expect(byName('localagent.resilience.retries')).toEqual([
      {
        instrument: 'localagent.resilience.retries',
        value: 1,
        attributes: { provider: 'acme', 'error.code': 'LA_PROVIDER_UNAVAILABLE' },
      },
    ]);
    expect(byName('localagent.resilience.give_ups')[0]?.attributes).toEqual({
      provider: 'acme',
      'error.code': 'LA_PROVIDER_UNAVAILABLE',
      reason: 'attempts-exhausted',
    });
    expect(byName('localagent.resilience.circuit.state_changes')[0]?.attributes).toEqual({
      provider: 'acme',
      state: 'open',
    });
    const durations = byName('localagent.resilience.attempt.duration');
    expect(durations).toHaveLength(2);
    expect(durations.every((d) => d.value >= 0 && d.attributes?.['outcome'] === 'failure')).toBe(
      true,
    );
  });
});
