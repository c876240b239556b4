/**
 * The SDK matrix: the real provider SDKs (dev dependencies) pointed at servers on 127.0.0.1, and
 * what `classifyError` / `fromResponse` (the built @localagent/errors) and the policy make of what
 * they throw. The calls run in a child process (runner.ts); this file asserts on its report.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ERROR_CASES, type ErrorCase, type ExpectedError } from './cases';
import { CLIENTS, SDK_CLIENTS, type Classified, type ClientInfo } from './sdks';

type Report = Record<string, Classified | { error: string }>;
interface PolicyReport {
  outcome: string;
  requests: number;
  sleeps: number[];
}

function runJob<T>(job: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'runner.ts'), job],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'tsconfig.runner.json') },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 240_000,
      },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`runner ${job} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as T);
      },
    );
  });
}

const reports: {
  cases?: Report;
  failures?: Report;
  streams?: Report;
  policy?: Record<string, PolicyReport>;
  fetch?: Record<string, PolicyReport>;
} = {};

beforeAll(async () => {
  const [cases, failures, streams, policy, fetch] = await Promise.all([
    runJob<Report>('cases'),
    runJob<Report>('failures'),
    runJob<Report>('streams'),
    runJob<Record<string, PolicyReport>>('policy'),
    runJob<Record<string, PolicyReport>>('resilient-fetch'),
  ]);
  Object.assign(reports, { cases, failures, streams, policy, fetch });
}, 300_000);

function result(report: Report | undefined, key: string): Classified {
  const found = report?.[key];
  if (found === undefined) throw new Error(`no result for ${key}`);
  if ('error' in found) throw new Error(`${key}: ${found.error}`);
  return found;
}

const pick = (r: Classified): ExpectedError => ({
  className: r.className as ExpectedError['className'],
  code: r.code,
  category: r.category as ExpectedError['category'],
  retryable: r.retryable,
  retryAfterMs: r.retryAfterMs,
});

/** A client that drops the response headers cannot see a wait sent only in them (Gemini's RetryInfo is in the body). */
function expectedFor(c: ErrorCase, client: ClientInfo): ExpectedError {
  if (client.keepsHeaders) return c.expected;
  const names = Object.keys(c.headers).map((h) => h.toLowerCase());
  const waitInHeaders = names.includes('retry-after') || names.includes('retry-after-ms');
  const verdictInHeaders = names.includes('x-should-retry');
  if (verdictInHeaders)
    throw new Error(
      `${c.id}: a header-only verdict cannot reach ${client.name}; give such cases another protocol`,
    );
  return waitInHeaders && c.provider !== 'gemini'
    ? { ...c.expected, retryAfterMs: undefined }
    : c.expected;
}

const matrix = ERROR_CASES.flatMap((c) =>
  CLIENTS.filter((client) => client.protocols.includes(c.protocol)).map(
    (client) => [c, client] as const,
  ),
);

describe('documented provider errors through every client that speaks the protocol', () => {
  it('covers at least 60 cases across the nine providers', () => {
    expect(ERROR_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ERROR_CASES.map((c) => c.provider))).toEqual(
      new Set([
        'openai',
        'azure',
        'anthropic',
        'gemini',
        'mistral',
        'groq',
        'cohere',
        'openrouter',
        'ollama',
      ]),
    );
    expect(new Set(ERROR_CASES.map((c) => c.id)).size).toBe(ERROR_CASES.length);
  });

  it.each(matrix.map(([c, client]) => [`${c.id} via ${client.name}`, c, client] as const))(
    '%s',
    (_name, c, client) => {
      const got = result(reports.cases, `${c.id}|${client.name}`);
      expect(pick(got)).toEqual(expectedFor(c, client));
    },
  );
});

/** What each provoked failure must classify as, through every client. */
const FAILURES: ReadonlyArray<{
  scenario: string;
  code: string;
  className: string;
  retryable: boolean;
  skip?: readonly string[];
}> = [
  {
    scenario: 'connection-refused',
    code: 'LA_NETWORK',
    className: 'NetworkError',
    retryable: true,
  },
  { scenario: 'connection-reset', code: 'LA_NETWORK', className: 'NetworkError', retryable: true },
  { scenario: 'closed-mid-body', code: 'LA_NETWORK', className: 'NetworkError', retryable: true },
  { scenario: 'dns-failure', code: 'LA_NETWORK', className: 'NetworkError', retryable: true },
  {
    scenario: 'tls-self-signed',
    code: 'LA_TLS_FAILED',
    className: 'NetworkError',
    retryable: false,
  },
  {
    scenario: 'tls-wrong-version',
    code: 'LA_TLS_FAILED',
    className: 'NetworkError',
    retryable: false,
  },
  // axios uses node:http (no headers timeout); @google/genai turns undici's timeouts off
  {
    scenario: 'headers-timeout',
    code: 'LA_TIMEOUT',
    className: 'TimeoutError',
    retryable: true,
    skip: ['axios', 'google-genai'],
  },
  { scenario: 'sdk-timeout', code: 'LA_TIMEOUT', className: 'TimeoutError', retryable: true },
  // without the caller's signal an AbortError cannot be told from the caller's abort (@google/genai)
  {
    scenario: 'sdk-timeout-no-context',
    code: 'LA_TIMEOUT',
    className: 'TimeoutError',
    retryable: true,
    skip: ['google-genai'],
  },
  { scenario: 'caller-abort', code: 'LA_ABORTED', className: 'AbortedError', retryable: false },
  {
    scenario: 'caller-abort-no-context',
    code: 'LA_ABORTED',
    className: 'AbortedError',
    retryable: false,
  },
  {
    scenario: 'abort-signal-timeout',
    code: 'LA_TIMEOUT',
    className: 'TimeoutError',
    retryable: true,
  },
];

describe('provoked failures through every client', () => {
  const rows = FAILURES.flatMap((f) =>
    CLIENTS.filter((c) => f.skip?.includes(c.name) !== true).map(
      (client) => [`${f.scenario} via ${client.name}`, f, client] as const,
    ),
  );
  it.each(rows)('%s', (_name, f, client) => {
    const got = result(reports.failures, `${f.scenario}|${client.name}`);
    const category = f.code === 'LA_ABORTED' || f.code === 'LA_TLS_FAILED' ? 'user' : 'transient';
    expect([got.className, got.code, got.category, got.retryable, got.retryAfterMs]).toEqual([
      f.className,
      f.code,
      category,
      f.retryable,
      undefined,
    ]);
  });

  it("@google/genai's own timeout without the caller's signal reads as an abort (pinned: pass { signal })", () => {
    expect(result(reports.failures, 'sdk-timeout-no-context|google-genai').code).toBe('LA_ABORTED');
  });
});

describe('error events inside a 200 stream', () => {
  const rows = [
    ...['openai', 'groq-sdk', 'ai-sdk-openai'].map(
      (c) => ['openai-stream-server-error', c] as const,
    ),
    ...['anthropic', 'ai-sdk-anthropic'].map((c) => ['anthropic-stream-overloaded', c] as const),
    ...['openai', 'groq-sdk'].map((c) => ['openrouter-stream-midstream', c] as const),
  ];
  it.each(rows)('%s via %s: ProviderUnavailableError, retryable', (id, client) => {
    const got = result(reports.streams, `${id}|${client}`);
    expect([got.className, got.code, got.category, got.retryable, got.retryAfterMs]).toEqual([
      'ProviderUnavailableError',
      'LA_PROVIDER_UNAVAILABLE',
      'transient',
      true,
      undefined,
    ]);
  });

  it('the AI SDK ends an OpenRouter stream with finish_reason "error" without throwing (pinned: nothing to classify)', () => {
    expect(reports.streams?.['openrouter-stream-midstream|ai-sdk-openai']).toEqual({
      error: 'no error: the call succeeded (undefined)',
    });
  });
});

describe('policy.execute around each SDK', () => {
  it.each(SDK_CLIENTS.map((c) => [c.name]))(
    '%s: 503 then 200 in 2 requests; a 429 waits its retry-after; a 401 is sent once',
    (client) => {
      expect(reports.policy?.[`503-then-200|${client}`]).toEqual({
        outcome: 'ok',
        requests: 2,
        sleeps: [10],
      });
      expect(reports.policy?.[`429-retry-after|${client}`]).toEqual({
        outcome: 'ok',
        requests: 2,
        sleeps: [1000],
      });
      expect(reports.policy?.[`401-once|${client}`]).toEqual({
        outcome: 'LA_AUTH_FAILED',
        requests: 1,
        sleeps: [],
      });
    },
  );

  it.each(SDK_CLIENTS.map((c) => [c.name]))(
    '%s: executeWithFallback stops at a context-length 400 (the backup is never asked)',
    (client) => {
      // sleeps[0] carries the backup server's request count
      expect(reports.policy?.[`fallback-context-length|${client}`]).toEqual({
        outcome: 'LA_INVALID_REQUEST',
        requests: 1,
        sleeps: [0],
      });
    },
  );
});

describe('createResilientFetch inside each SDK: one logical call, at most maxAttempts (3) requests', () => {
  it.each([['openai'], ['groq-sdk'], ['anthropic']])(
    '%s with its default maxRetries (2): 3 requests, the SDK raising its own error',
    (client) => {
      for (const scenario of ['always-503', 'always-reset']) {
        for (const retries of [2, 0]) {
          const report = reports.fetch?.[`${scenario}|sdk-retries-${retries}|${client}`];
          expect([scenario, retries, report?.requests]).toEqual([scenario, retries, 3]);
          expect(report?.outcome).toBe(
            scenario === 'always-503' ? 'LA_PROVIDER_UNAVAILABLE' : 'LA_NETWORK',
          );
        }
      }
    },
  );

  it.each([['ai-sdk-openai'], ['cohere']])(
    '%s retries by status alone: 3 requests with maxRetries: 0, 9 with its default (the README says so)',
    (client) => {
      expect(reports.fetch?.[`always-503|sdk-retries-0|${client}`]).toEqual({
        outcome: 'LA_PROVIDER_UNAVAILABLE',
        requests: 3,
        sleeps: [],
      });
      expect(reports.fetch?.[`always-503|sdk-retries-2|${client}`]).toEqual({
        outcome: 'LA_PROVIDER_UNAVAILABLE',
        requests: 9,
        sleeps: [],
      });
    },
  );
});
