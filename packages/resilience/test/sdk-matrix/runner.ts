/**
 * The SDK matrix's child process: calls the real SDKs against servers on 127.0.0.1 and reports, as
 * JSON on stdout, how the built `@localagent/errors` classified what each threw. Run as
 * `node -r ts-node/register/transpile-only runner.ts <job>`; jest (sdk-matrix.test.ts) asserts.
 * A child process because @mistralai/mistralai is ESM only (Node's require(esm) loads it; jest's
 * module system cannot) and so the SDKs run as in a user's program, outside jest's sandbox.
 */
import dns from 'node:dns';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  classifyError,
  fromResponse,
  LocalAgentError,
  type ClassifyContext,
} from '@localagent/errors';
import {
  createPolicy,
  createResilientFetch,
  executeWithFallback,
  PolicyRegistry,
} from '../../dist/index.js';
import selfsigned from 'selfsigned';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { ERROR_CASES, type ErrorCase, type Protocol } from './cases';
import { startCaseServer } from './cases-server';
import { callClient, type CallOptions } from './drivers';
import { CLIENTS, SDK_CLIENTS, type Classified, type ClientInfo, type ClientName } from './sdks';
import { startFlakyServer, type FlakyServer, type Reply } from '../support/flaky-server';
import { closedPort } from '../../../../test-support/net';

type Results = Record<string, Classified | { error: string }>;

function describeThrown(value: unknown): string {
  if (value instanceof Response) return 'Response';
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor ?? typeof value;
}

function summary(error: LocalAgentError, thrown: unknown): Classified {
  const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
  return {
    className: error.name,
    code: error.code,
    category: error.category,
    retryable: error.retryable,
    retryAfterMs,
    thrown: describeThrown(thrown),
    message: error.message,
  };
}

/** Calls a client and classifies what it threw (a fetch `Response` that is not ok: with its body). */
async function outcome(
  client: ClientName,
  options: CallOptions,
  context: ClassifyContext,
): Promise<Classified | { error: string }> {
  try {
    const value = await callClient(client, options);
    if (value instanceof Response && !value.ok)
      return summary(await fromResponse(value, { provider: context.provider ?? 'unknown' }), value);
    return { error: `no error: the call succeeded (${describeThrown(value)})` };
  } catch (thrown) {
    return summary(classifyError(thrown, context), thrown);
  }
}

const clientsFor = (protocol: Protocol, from: readonly ClientInfo[] = CLIENTS): ClientInfo[] =>
  from.filter((c) => c.protocols.includes(protocol));

async function runCases(): Promise<Results> {
  const server = await startCaseServer(ERROR_CASES);
  const results: Results = {};
  try {
    for (const c of ERROR_CASES) {
      for (const client of clientsFor(c.protocol)) {
        results[`${c.id}|${client.name}`] = await outcome(
          client.name,
          { baseUrl: `${server.url}/${c.id}`, protocol: c.protocol },
          { provider: c.provider },
        );
      }
    }
  } finally {
    await server.close();
  }
  return results;
}

/** The resolver, replaced: `*.invalid` fails as an unknown host would, without any DNS traffic. */
function failInvalidHosts(): void {
  const original = dns.lookup;
  const replaced = (hostname: string, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1] as (error: NodeJS.ErrnoException) => void;
    if (!hostname.endsWith('.invalid')) {
      (original as (...args: unknown[]) => void)(hostname, ...rest);
      return;
    }
    const error: NodeJS.ErrnoException = Object.assign(
      new Error(`getaddrinfo ENOTFOUND ${hostname}`),
      { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname },
    );
    process.nextTick(() => callback(error));
  };
  (dns as { lookup: unknown }).lookup = replaced;
}

async function selfSignedServer(): Promise<{ url: string; close(): Promise<void> }> {
  const pems = selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    days: 1,
    keySize: 2048,
  });
  const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (_req, res) =>
    res.end('{}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HANG: Reply = { delayMs: 60_000 };

/** Provoked failures: every client, each way a call can fail without an HTTP error response. */
async function runFailures(): Promise<Results> {
  failInvalidHosts();
  const results: Results = {};
  const flaky = await startFlakyServer();
  const tls = await selfSignedServer();
  const refused = `http://127.0.0.1:${await closedPort()}`;
  try {
    for (const client of CLIENTS) {
      const protocol = client.protocols[0] ?? 'openai';
      const provider = protocol;
      const live = (): AbortSignal => new AbortController().signal;
      const record = async (
        scenario: string,
        options: Partial<CallOptions> & { baseUrl: string },
        reply?: Reply,
        context: ClassifyContext = { provider },
      ): Promise<void> => {
        flaky.clear();
        if (reply !== undefined) flaky.script(reply);
        results[`${scenario}|${client.name}`] = await outcome(
          client.name,
          { protocol, ...options },
          context,
        );
      };
      await record('connection-refused', { baseUrl: refused });
      await record('connection-reset', { baseUrl: flaky.url }, { destroy: 'before-headers' });
      await record(
        'closed-mid-body',
        { baseUrl: flaky.url },
        {
          status: 200,
          body: '{"id":"chatcmpl-1","choices":[{"index":0,"mess',
          destroy: 'mid-body',
        },
      );
      await record('dns-failure', { baseUrl: 'http://api.provider.invalid' });
      await record('tls-self-signed', { baseUrl: tls.url });
      // plain HTTP spoken to an https:// URL: OpenSSL's "wrong version number"
      await record('tls-wrong-version', { baseUrl: flaky.url.replace('http:', 'https:') });
      if (client.name !== 'axios' && client.name !== 'google-genai') {
        // undici's own headers timeout (axios uses node:http, which has none; @google/genai gives
        // fetch its own dispatcher with undici's timeouts turned off)
        const previous = getGlobalDispatcher();
        setGlobalDispatcher(new Agent({ headersTimeout: 300 }));
        await record('headers-timeout', { baseUrl: flaky.url }, HANG);
        setGlobalDispatcher(previous);
      }
      // the policy passes the caller's (live) signal: an abort it did not cause is the SDK's timer
      await record('sdk-timeout', { baseUrl: flaky.url, timeoutMs: 300 }, HANG, {
        provider,
        signal: live(),
      });
      await record('sdk-timeout-no-context', { baseUrl: flaky.url, timeoutMs: 300 }, HANG);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      await record('caller-abort', { baseUrl: flaky.url, signal: controller.signal }, HANG, {
        provider,
        signal: controller.signal,
      });
      await record('caller-abort-no-context', { baseUrl: flaky.url, signal: abortSoon() }, HANG);
      const timeoutSignal = AbortSignal.timeout(200);
      await record('abort-signal-timeout', { baseUrl: flaky.url, signal: timeoutSignal }, HANG, {
        provider,
        signal: timeoutSignal,
      });
    }
  } finally {
    await flaky.close();
    await tls.close();
  }
  return results;
}

function abortSoon(): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  return controller.signal;
}

/** Error events inside a 200 stream, as each provider sends them. */
const STREAMS: ReadonlyArray<{ id: string; protocol: Protocol; provider: string; sse: string }> = [
  {
    // openai-node src/core/streaming.ts throws APIError(undefined, data.error, …) for `data: {"error":…}`
    id: 'openai-stream-server-error',
    protocol: 'openai',
    provider: 'openai',
    sse:
      'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\n' +
      'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n',
  },
  {
    // https://docs.anthropic.com/en/api/messages-streaming#error-events
    id: 'anthropic-stream-overloaded',
    protocol: 'anthropic',
    provider: 'anthropic',
    sse:
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
  },
  {
    // https://openrouter.ai/docs/api-reference/errors (mid-stream errors: finish_reason "error")
    id: 'openrouter-stream-midstream',
    protocol: 'openai',
    provider: 'openrouter',
    sse:
      'data: {"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"openai/gpt-4o","provider":"OpenAI","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n' +
      'data: {"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"openai/gpt-4o","provider":"OpenAI","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n',
  },
];

async function runStreams(): Promise<Results> {
  const results: Results = {};
  const flaky = await startFlakyServer();
  try {
    for (const stream of STREAMS) {
      for (const client of clientsFor(stream.protocol, SDK_CLIENTS)) {
        flaky.clear();
        flaky.script({
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: stream.sse,
        });
        results[`${stream.id}|${client.name}`] = await outcome(
          client.name,
          { baseUrl: flaky.url, protocol: stream.protocol, stream: true },
          { provider: stream.provider },
        );
      }
    }
  } finally {
    await flaky.close();
  }
  return results;
}

/** A success each SDK parses, per protocol. */
const SUCCESS: Readonly<Record<Protocol, unknown>> = {
  openai: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'hi' },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  },
  mistral: {
    id: 'cmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'mistral-small-latest',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  },
  anthropic: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'hi' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 1 },
  },
  gemini: {
    candidates: [
      { content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP', index: 0 },
    ],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
    modelVersion: 'gemini-2.0-flash',
  },
  cohere: {
    id: 'c-1',
    finish_reason: 'COMPLETE',
    message: { role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    usage: {
      billed_units: { input_tokens: 3, output_tokens: 1 },
      tokens: { input_tokens: 3, output_tokens: 1 },
    },
  },
  ollama: {
    model: 'llama3.2',
    created_at: '2026-01-01T00:00:00Z',
    message: { role: 'assistant', content: 'hi' },
    done: true,
  },
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  body: JSON.stringify(body),
});

/** A 429 each protocol's SDK can read a wait from: retry-after for all, and Gemini's RetryInfo in the body (google-genai drops headers). */
function rateLimited(protocol: Protocol): Reply {
  if (protocol === 'gemini') {
    return json(
      429,
      {
        error: {
          code: 429,
          message: 'Resource has been exhausted (e.g. check quota).',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
        },
      },
      { 'retry-after': '1' },
    );
  }
  return json(
    429,
    {
      error: {
        message: 'Rate limit reached for requests',
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
      },
    },
    { 'retry-after': '1' },
  );
}

const unavailable = json(503, {
  error: {
    message: 'The server is overloaded or not ready yet.',
    type: 'server_error',
    code: 503,
    status: 'UNAVAILABLE',
  },
});
const unauthorized = json(401, {
  error: {
    message: 'Incorrect API key provided',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    status: 'UNAUTHENTICATED',
  },
});
const contextTooLong = json(400, {
  error: {
    message:
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
    status: 'INVALID_ARGUMENT',
  },
});

interface PolicyReport {
  outcome: 'ok' | string;
  requests: number;
  sleeps: number[];
}

async function withPolicy(
  client: ClientInfo,
  flaky: FlakyServer,
  replies: Reply[],
): Promise<PolicyReport> {
  const protocol = client.protocols[0] ?? 'openai';
  flaky.hits.length = 0;
  flaky.clear();
  flaky.script(...replies);
  const sleeps: number[] = [];
  const policy = createPolicy({
    provider: protocol,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, jitter: false },
    circuitBreaker: false,
    sleep: async (ms) => void sleeps.push(ms),
  });
  try {
    await policy.execute(({ signal }) =>
      callClient(client.name, { baseUrl: flaky.url, protocol, signal }),
    );
    return { outcome: 'ok', requests: flaky.hits.length, sleeps };
  } catch (error) {
    return {
      outcome: LocalAgentError.isInstance(error) ? error.code : String(error),
      requests: flaky.hits.length,
      sleeps,
    };
  }
}

async function runPolicy(): Promise<Record<string, PolicyReport>> {
  const results: Record<string, PolicyReport> = {};
  const flaky = await startFlakyServer();
  const backup = await startFlakyServer();
  try {
    for (const client of SDK_CLIENTS) {
      const protocol = client.protocols[0] ?? 'openai';
      const ok = json(200, SUCCESS[protocol]);
      results[`503-then-200|${client.name}`] = await withPolicy(client, flaky, [unavailable, ok]);
      results[`429-retry-after|${client.name}`] = await withPolicy(client, flaky, [
        rateLimited(protocol),
        ok,
      ]);
      results[`401-once|${client.name}`] = await withPolicy(client, flaky, [unauthorized, ok]);
      // failover stops at the request's own fault: the backup provider is never asked
      flaky.hits.length = 0;
      backup.hits.length = 0;
      flaky.clear();
      flaky.script(contextTooLong);
      const registry = new PolicyRegistry({
        retry: { maxAttempts: 3, baseDelayMs: 1 },
        sleep: async () => undefined,
      });
      const call =
        (url: string) =>
        ({ signal }: { signal: AbortSignal }) =>
          callClient(client.name, { baseUrl: url, protocol, signal });
      let outcomeCode = 'ok';
      try {
        await executeWithFallback(registry, [
          { provider: 'primary', run: call(flaky.url) },
          { provider: 'backup', run: call(backup.url) },
        ]);
      } catch (error) {
        outcomeCode = LocalAgentError.isInstance(error) ? error.code : String(error);
      }
      results[`fallback-context-length|${client.name}`] = {
        outcome: outcomeCode,
        requests: flaky.hits.length + backup.hits.length,
        sleeps: [backup.hits.length],
      };
    }
  } finally {
    await flaky.close();
    await backup.close();
  }
  return results;
}

/** The clients whose driver passes a custom fetch to the SDK. */
const FETCH_CLIENTS: readonly ClientName[] = [
  'openai',
  'groq-sdk',
  'anthropic',
  'ai-sdk-openai',
  'cohere',
];

/**
 * createResilientFetch given to each SDK, with the SDK's own retries at its default (2) and at 0:
 * the requests one logical call makes against an always-503 server, and against one that resets.
 */
async function runResilientFetch(): Promise<Record<string, PolicyReport>> {
  const results: Record<string, PolicyReport> = {};
  for (const client of SDK_CLIENTS.filter((c) => FETCH_CLIENTS.includes(c.name))) {
    const protocol = client.protocols[0] ?? 'openai';
    for (const [scenario, fallback] of [
      ['always-503', unavailable],
      ['always-reset', { destroy: 'before-headers' } as Reply],
    ] as const) {
      // the SDKs that retry by status alone (the AI SDK, cohere-ai) are measured once each way, the
      // Stainless SDKs (openai, anthropic, groq) always: their retries must not add requests
      const stainless = ['openai', 'groq-sdk', 'anthropic'].includes(client.name);
      if (
        !stainless &&
        (scenario !== 'always-503' || !['ai-sdk-openai', 'cohere'].includes(client.name))
      )
        continue;
      for (const sdkRetries of [2, 0]) {
        const flaky = await startFlakyServer(fallback);
        const registry = new PolicyRegistry({
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10 },
          circuitBreaker: false,
        });
        const resilientFetch = createResilientFetch({ registry, provider: protocol });
        let code = 'ok';
        try {
          await callClient(client.name, {
            baseUrl: flaky.url,
            protocol,
            fetch: resilientFetch,
            maxRetries: sdkRetries,
          });
        } catch (error) {
          code = classifyError(error, { provider: protocol }).code;
        }
        results[`${scenario}|sdk-retries-${sdkRetries}|${client.name}`] = {
          outcome: code,
          requests: flaky.hits.length,
          sleeps: [],
        };
        await flaky.close();
      }
    }
  }
  return results;
}

const JOBS: Readonly<Record<string, () => Promise<unknown>>> = {
  cases: runCases,
  failures: runFailures,
  streams: runStreams,
  policy: runPolicy,
  'resilient-fetch': runResilientFetch,
};

async function main(): Promise<void> {
  const job = JOBS[process.argv[2] ?? ''];
  if (job === undefined) throw new Error(`usage: runner.ts ${Object.keys(JOBS).join('|')}`);
  const results = await job();
  process.stdout.write(JSON.stringify(results));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

export type { ErrorCase, Results, PolicyReport };
