import OpenAI from 'openai';
import { CircuitOpenError, classifyError } from '@localagent/errors';
import { createResilientFetch } from '../src/resilient-fetch';
import { PolicyRegistry } from '../src/policy-registry';
import { executeWithFallback } from '../src/fallback';
import { fakeKey, startFlakyServer, type FlakyServer } from './support/flaky-server';

const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'pong' },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

let server: FlakyServer;
beforeEach(async () => {
  server = await startFlakyServer({ status: 200, body: completion });
});
afterEach(() => server.close());

function client(): OpenAI {
  const registry = new PolicyRegistry({ retry: { baseDelayMs: 10, jitter: false } });
  return new OpenAI({
    apiKey: fakeKey(),
    baseURL: `${server.url}/v1`,
    fetch: createResilientFetch({ registry, provider: 'openai' }),
    maxRetries: 0,
  });
}

const ask = (openai: OpenAI) =>
  openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'ping' }],
  });

describe('the real openai SDK with createResilientFetch and maxRetries: 0', () => {
  it('gets its chat completion after a 429 and a 503', async () => {
    server.script(
      {
        status: 429,
        headers: { 'retry-after-ms': '20' },
        body: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
      },
      {
        status: 503,
        body: '{"error":{"message":"The server is overloaded","type":"server_error"}}',
      },
    );
    const result = await ask(client());
    expect(result.choices[0]?.message.content).toBe('pong');
    expect(server.hits).toHaveLength(3);
    expect(server.hits.every((h) => h.url === '/v1/chat/completions' && h.method === 'POST')).toBe(
      true,
    );
  });

  it('fails a 401 once, with no retry, as the SDK error classifyError understands', async () => {
    server.script({
      status: 401,
      body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
    });
    const error = await ask(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(classifyError(error, { provider: 'openai' }).code).toBe('LA_AUTH_FAILED');
    expect(server.hits).toHaveLength(1);
  });
});

describe('an open circuit under the SDK', () => {
  it('fails without a request; the SDK error carries our CircuitOpenError as its cause', async () => {
    server.script({ status: 503 }, { status: 503 });
    const registry = new PolicyRegistry({
      retry: { maxAttempts: 2, baseDelayMs: 5 },
      circuitBreaker: { failureThreshold: 1 },
    });
    const openai = new OpenAI({
      apiKey: fakeKey(),
      baseURL: `${server.url}/v1`,
      fetch: createResilientFetch({ registry, provider: 'openai' }),
      maxRetries: 0,
    });
    const first = await ask(openai).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.InternalServerError);
    const second = await ask(openai).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(CircuitOpenError.isInstance((second as Error).cause)).toBe(true);
    expect(server.hits).toHaveLength(2);
  });
});

describe('the README example: plain SDK clients (maxRetries: 0) inside executeWithFallback', () => {
  it('retries the first provider per its policy, honouring the SDK error’s retry-after, then fails over', async () => {
    const second = await startFlakyServer({ status: 200, body: completion });
    try {
      server.script(
        {
          status: 429,
          headers: { 'retry-after-ms': '15' },
          body: '{"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}}',
        },
        ...Array.from({ length: 2 }, () => ({
          status: 503,
          body: '{"error":{"message":"overloaded","type":"server_error"}}',
        })),
      );
      const registry = new PolicyRegistry({
        retry: { maxAttempts: 3, baseDelayMs: 5, jitter: false },
      });
      const waits: number[] = [];
      registry.get('openai').on('retry', (e) => waits.push(e.delayMs));
      // the README example, with both base URLs on local servers
      const openai = new OpenAI({ apiKey: fakeKey(), baseURL: `${server.url}/v1`, maxRetries: 0 });
      const ollama = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: 'ollama', maxRetries: 0 });
      const ask =
        (client: OpenAI, model: string) =>
        async ({ signal }: { signal: AbortSignal }) =>
          (
            await client.chat.completions.create(
              { model, messages: [{ role: 'user', content: 'Hi' }] },
              { signal },
            )
          ).choices[0]?.message.content ?? '';
      const { provider, value } = await executeWithFallback(registry, [
        { provider: 'openai', run: ask(openai, 'gpt-4o-mini') },
        { provider: 'backup', run: ask(ollama, 'llama3.2') },
      ]);
      expect(provider).toBe('backup');
      expect(value).toBe('pong');
      expect(waits).toEqual([15, 10]);
      expect([server.hits.length, second.hits.length]).toEqual([3, 1]);
    } finally {
      await second.close();
    }
  });
});

describe('SDK clients built with createResilientFetch inside executeWithFallback({ alreadyResilient: true })', () => {
  it('lets the fetch own the retries (no 3 x 3), counts one breaker failure, then fails over', async () => {
    const second = await startFlakyServer({ status: 200, body: completion });
    try {
      server.script(
        ...Array.from({ length: 3 }, () => ({
          status: 503,
          body: '{"error":{"message":"overloaded","type":"server_error"}}',
        })),
      );
      const registry = new PolicyRegistry({
        retry: { maxAttempts: 3, baseDelayMs: 5, jitter: false },
        circuitBreaker: { failureThreshold: 1 },
      });
      const sdk = (provider: string, url: string): OpenAI =>
        new OpenAI({
          apiKey: fakeKey(),
          baseURL: `${url}/v1`,
          fetch: createResilientFetch({ registry, provider }),
          maxRetries: 0,
        });
      const primary = sdk('openai', server.url);
      const backup = sdk('backup', second.url);
      const messages = [{ role: 'user' as const, content: 'ping' }];
      const candidates = [
        {
          provider: 'openai',
          run: ({ signal }: { signal: AbortSignal }) =>
            primary.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal }),
        },
        {
          provider: 'backup',
          run: ({ signal }: { signal: AbortSignal }) =>
            backup.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal }),
        },
      ];
      expect(
        (await executeWithFallback(registry, candidates, { alreadyResilient: true })).provider,
      ).toBe('backup');
      expect([server.hits.length, second.hits.length]).toEqual([3, 1]);
      expect(registry.get('openai').circuitState).toBe('open');
      // the open circuit is skipped without a request
      expect(
        (await executeWithFallback(registry, candidates, { alreadyResilient: true })).provider,
      ).toBe('backup');
      expect([server.hits.length, second.hits.length]).toEqual([3, 2]);
    } finally {
      await second.close();
    }
  });
});
