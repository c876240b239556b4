import { CircuitOpenError, LocalAgentError } from '@localagent/errors';
import { createResilientFetch } from '../src/resilient-fetch';
import { PolicyRegistry } from '../src/policy-registry';
import type { PolicyEvent } from '../src/events';
import { startFlakyServer, type FlakyServer } from './support/flaky-server';

let server: FlakyServer;
beforeEach(async () => {
  server = await startFlakyServer();
});
afterEach(() => server.close());

/** Small real delays: base 10 ms, no jitter, so the waits are exact. */
const fastRegistry = (failureThreshold = 5): PolicyRegistry =>
  new PolicyRegistry({
    retry: { maxAttempts: 4, baseDelayMs: 10, jitter: false, maxDelayMs: 1000 },
    circuitBreaker: { failureThreshold, recoveryTimeoutMs: 60_000 },
  });

function retries(registry: PolicyRegistry, provider: string): PolicyEvent[] {
  const events: PolicyEvent[] = [];
  registry.get(provider).on('retry', (e) => events.push(e));
  return events;
}

describe('createResilientFetch against a real flaky server', () => {
  it('retries 429 (honouring retry-after), 503 and 529, then returns the 200', async () => {
    server.script(
      {
        status: 429,
        headers: { 'retry-after': '0.05' },
        body: '{"error":{"type":"rate_limit_error","message":"slow down"}}',
      },
      { status: 503, body: 'upstream unavailable' },
      {
        status: 529,
        body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      },
    );
    const registry = fastRegistry();
    const seen = retries(registry, 'anthropic');
    const fetch = createResilientFetch({ registry, provider: 'anthropic' });
    const response = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{"q":1}' });
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ ok: true });
    expect(server.hits).toHaveLength(4);
    expect(server.hits.every((h) => h.body === '{"q":1}')).toBe(true);
    expect(seen.map((e) => [e.attempt, e.delayMs, e.error?.code])).toEqual([
      [2, 50, 'LA_RATE_LIMITED'],
      [3, 20, 'LA_PROVIDER_UNAVAILABLE'],
      [4, 40, 'LA_PROVIDER_UNAVAILABLE'],
    ]);
  });

  it('hands a non-retryable response (401) back unchanged after one request', async () => {
    server.script({ status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const response = await fetch(`${server.url}/v1/chat/completions`);
    expect(response.status).toBe(401);
    expect(response.bodyUsed).toBe(false);
    await expect(response.text()).resolves.toBe(
      '{"error":{"message":"Incorrect API key provided"}}',
    );
    expect(server.hits).toHaveLength(1);
  });

  it('hands the last response back with its body unread when attempts are spent, and counts one breaker failure', async () => {
    server.script(...Array.from({ length: 4 }, (_, i) => ({ status: 503, body: `busy ${i + 1}` })));
    const registry = fastRegistry(1);
    const fetch = createResilientFetch({ registry, provider: 'openai' });
    const response = await fetch(`${server.url}/v1/models`);
    expect(response.status).toBe(503);
    expect(response.bodyUsed).toBe(false);
    await expect(response.text()).resolves.toBe('busy 4');
    expect(server.hits).toHaveLength(4);
    expect(registry.get('openai').circuitState).toBe('open');
    const error = await fetch(`${server.url}/v1/models`).catch((e: unknown) => e);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect(server.hits).toHaveLength(4);
  });

  it('obeys x-should-retry: false', async () => {
    server.script({ status: 503, headers: { 'x-should-retry': 'false' }, body: 'no' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    expect((await fetch(server.url)).status).toBe(503);
    expect(server.hits).toHaveLength(1);
  });

  it('obeys x-should-retry: true on a status it would not retry', async () => {
    server.script({ status: 400, headers: { 'x-should-retry': 'true' }, body: '{}' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    expect((await fetch(server.url)).status).toBe(200);
    expect(server.hits).toHaveLength(2);
  });

  it('returns a 429 at once when its retry-after exceeds maxDelayMs', async () => {
    server.script({
      status: 429,
      headers: { 'retry-after': '120' },
      body: '{"error":{"message":"rate limited"}}',
    });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const response = await fetch(server.url);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('120');
    expect(server.hits).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    server.script({ destroy: 'before-headers' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    expect((await fetch(server.url)).status).toBe(200);
    expect(server.hits).toHaveLength(2);
  });

  it('throws the classified network error when the provider cannot be reached', async () => {
    const url = server.url;
    await server.close();
    const fetch = createResilientFetch({
      registry: fastRegistry(),
      provider: 'openai',
      retry: { maxAttempts: 2 },
    });
    const error = await fetch(url).catch((e: unknown) => e);
    expect(LocalAgentError.isInstance(error) && error.code).toBe('LA_NETWORK');
    server = await startFlakyServer();
  });

  it('never retries a response whose body was handed back (a stream cut mid-way)', async () => {
    server.script({ status: 200, body: 'data: {"delta":"Hel', destroy: 'mid-body' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const response = await fetch(server.url);
    await expect(response.text()).rejects.toThrow();
    expect(server.hits).toHaveLength(1);
  });

  it("rethrows the caller's AbortError when aborted during a backoff wait, without another request", async () => {
    server.script({ status: 503 });
    const registry = new PolicyRegistry({ retry: { baseDelayMs: 60_000, jitter: false } });
    const controller = new AbortController();
    registry.get('openai').on('retry', () => controller.abort());
    const fetch = createResilientFetch({ registry, provider: 'openai' });
    const error = await fetch(server.url, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(server.hits).toHaveLength(1);
  });

  it('times out a slow attempt, retries it, and leaves the returned body readable past the timeout', async () => {
    // generous margins: the second reply's headers must beat the 400 ms timeout even on a loaded machine
    server.script(
      { status: 200, delayMs: 5000, body: 'late' },
      { status: 200, body: 'head ', trailingBody: { afterMs: 600, text: 'tail' } },
    );
    const fetch = createResilientFetch({
      registry: fastRegistry(),
      provider: 'openai',
      timeoutMs: 400,
    });
    const response = await fetch(server.url);
    await expect(response.text()).resolves.toBe('head tail');
    expect(server.hits).toHaveLength(2);
  });

  it('replays a Request body on each attempt, and does not retry a one-shot stream body', async () => {
    server.script({ status: 503 }, { status: 200, body: 'done' });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const request = new Request(server.url, { method: 'POST', body: 'payload' });
    expect(await (await fetch(request)).text()).toBe('done');
    expect(server.hits.map((h) => h.body)).toEqual(['payload', 'payload']);

    server.script({ status: 503, body: 'busy' });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const init = { method: 'POST', body: stream, duplex: 'half' } as RequestInit;
    expect((await fetch(server.url, init)).status).toBe(503);
    expect(server.hits).toHaveLength(3);

    server.script({ status: 503, body: 'busy' });
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('iterated');
    }
    const iterable = { method: 'POST', body: chunks(), duplex: 'half' } as unknown as RequestInit;
    expect((await fetch(server.url, iterable)).status).toBe(503);
    expect(server.hits.map((h) => h.body).slice(2)).toEqual(['streamed', 'iterated']);
  });

  it("shares the provider's breaker and listeners between overrides and registry.get()", async () => {
    server.script({ status: 503 }, { status: 503 });
    const registry = fastRegistry(1);
    const seen = retries(registry, 'openai');
    const fetch = createResilientFetch({ registry, provider: 'openai', retry: { maxAttempts: 2 } });
    expect((await fetch(server.url)).status).toBe(503);
    expect(server.hits).toHaveLength(2);
    expect(seen).toHaveLength(1);
    expect(registry.get('openai').circuitState).toBe('open');
  });

  it('marks the response it gives up on x-should-retry: false, so a Stainless SDK does not retry it again', async () => {
    server.script(
      ...Array.from({ length: 4 }, () => ({
        status: 503,
        headers: { 'x-request-id': 'req_1' },
        body: 'busy',
      })),
    );
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{}',
    });
    expect([
      response.status,
      response.headers.get('x-should-retry'),
      response.headers.get('x-request-id'),
    ]).toEqual([503, 'false', 'req_1']);
    await expect(response.text()).resolves.toBe('busy');
    expect(server.hits).toHaveLength(4);
    // a response it was not asked to decide on (a 400) is handed back as it came
    server.script({ status: 400, body: '{"error":{"message":"bad"}}' });
    expect(
      (
        await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
      ).headers.get('x-should-retry'),
    ).toBeNull();
  });

  it("answers a Stainless SDK's own retry (x-stainless-retry-count > 0) with the failure that ended the call, without a request", async () => {
    server.script(...Array.from({ length: 4 }, () => ({ destroy: 'before-headers' as const })));
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const url = `${server.url}/v1/chat/completions`;
    const first = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { 'x-stainless-retry-count': '0' },
    }).catch((e: unknown) => e);
    expect(LocalAgentError.isInstance(first) && first.code).toBe('LA_NETWORK');
    expect(server.hits).toHaveLength(4);
    const retried = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { 'x-stainless-retry-count': '1' },
    }).catch((e: unknown) => e);
    expect(retried).toBe(first);
    expect(server.hits).toHaveLength(4);
    // an SDK retry of a call this fetch never saw is refused too, with what to change
    const unknown = await fetch(`${server.url}/other`, {
      headers: { 'x-stainless-retry-count': '2' },
    }).catch((e: unknown) => e);
    expect(LocalAgentError.isInstance(unknown) && [unknown.code, unknown.suggestion]).toEqual([
      'LA_NETWORK',
      'Create the SDK client with maxRetries: 0 when it uses createResilientFetch.',
    ]);
    expect(server.hits).toHaveLength(4);
  });

  it("answers a Stainless SDK's retry after its own timeout (an aborted call) with a TimeoutError", async () => {
    server.script({ delayMs: 5_000 });
    const fetch = createResilientFetch({ registry: fastRegistry(), provider: 'openai' });
    const sdkTimer = new AbortController();
    setTimeout(() => sdkTimer.abort(), 30);
    const url = `${server.url}/v1/chat/completions`;
    await expect(
      fetch(url, { signal: sdkTimer.signal, headers: { 'x-stainless-retry-count': '0' } }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const retried = await fetch(url, { headers: { 'x-stainless-retry-count': '1' } }).catch(
      (e: unknown) => e,
    );
    expect(LocalAgentError.isInstance(retried) && retried.code).toBe('LA_TIMEOUT');
    expect(server.hits).toHaveLength(1);
  });
});
