import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { AbortedError } from './aborted-error';
import * as fixtures from './__fixtures__/provider-responses';
import { classifyError } from './classify-error';
import { LocalAgentError } from './local-agent-error';
import { StorageError } from './local-errors';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  AuthenticationError,
  CircuitOpenError,
  NetworkError,
  ProviderUnavailableError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
} from './provider-errors';
import { closedPort } from '../../../test-support/net';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('classifyError', () => {
  it('passes our own errors through unchanged', () => {
    const err = new RateLimitError({ message: 'x', provider: 'openai' });
    expect(classifyError(err)).toBe(err);
  });

  it('maps openai-node errors (inner error object, Headers) by status and body', () => {
    const { body, headers } = fixtures.openai429InsufficientQuota;
    const sdkError = OpenAI.APIError.generate(429, body as object, undefined, new Headers(headers));
    const err = classifyError(sdkError, { provider: 'openai' });
    expect(QuotaExceededError.isInstance(err)).toBe(true);
    expect(err.cause).toBe(sdkError);
    const limited = classifyError(
      OpenAI.APIError.generate(
        429,
        fixtures.openai429RateLimit.body as object,
        undefined,
        new Headers(fixtures.openai429RateLimit.headers),
      ),
      { provider: 'openai' },
    );
    expect(RateLimitError.isInstance(limited) && limited.retryAfterMs).toBe(1310);
  });

  it('maps @anthropic-ai/sdk errors (whole body) and takes the provider from the error when not given', () => {
    const sdkError = Anthropic.APIError.generate(
      529,
      fixtures.anthropic529.body as object,
      undefined,
      new Headers(fixtures.anthropic529.headers),
    );
    const err = classifyError(sdkError);
    expect(ProviderUnavailableError.isInstance(err)).toBe(true);
    expect(ProviderUnavailableError.isInstance(err) && err.provider).toBe('anthropic');
    const tagged = classifyError(
      Object.assign(new Error('401 status code (no body)'), {
        status: 401,
        headers: {},
        provider: 'mistral',
      }),
    );
    expect(AuthenticationError.isInstance(tagged) && tagged.provider).toBe('mistral');
    const noBody = classifyError(
      Object.assign(new Error('401 status code (no body)'), { status: 401, headers: {} }),
    );
    expect(AuthenticationError.isInstance(noBody) && noBody.provider).toBe('unknown');
    expect(noBody.message).toBe('unknown returned HTTP 401: 401 status code (no body)');
  });

  it('maps axios-style errors (response.status, response.data) and a Gemini SDK message with embedded JSON', () => {
    const axiosLike = Object.assign(new Error('Request failed with status code 429'), {
      response: { status: 429, headers: { 'retry-after': '5' }, data: fixtures.anthropic429.body },
    });
    const err = classifyError(axiosLike, { provider: 'anthropic' });
    expect(RateLimitError.isInstance(err) && err.retryAfterMs).toBe(5000);
    const geminiSdk = Object.assign(
      new Error(
        `got status: 429 Too Many Requests. ${JSON.stringify(fixtures.gemini429WithRetryInfo.body)}`,
      ),
      { status: 429 },
    );
    const gemini = classifyError(geminiSdk, { provider: 'gemini' });
    expect(RateLimitError.isInstance(gemini) && gemini.retryAfterMs).toBe(37_000);
    // a bare object with a status but nothing HTTP about it is not an HTTP error
    expect(classifyError({ status: 500 }).code).toBe('LA_INTERNAL');
  });

  it('a real fetch to a closed port: TypeError "fetch failed" with undici\'s ECONNREFUSED cause becomes a NetworkError', async () => {
    const port = await closedPort();
    const error = await rejected(fetch(`http://127.0.0.1:${port}/v1/chat/completions`));
    expect((error as Error).name).toBe('TypeError');
    const err = classifyError(error, { provider: 'ollama' });
    expect(NetworkError.isInstance(err)).toBe(true);
    expect(TimeoutError.isInstance(err)).toBe(false);
    expect([err.code, err.category, err.retryable]).toEqual(['LA_NETWORK', 'transient', true]);
    expect(err.message).toBe(`Could not reach ollama: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(err.details).toMatchObject({ provider: 'ollama', systemCode: 'ECONNREFUSED' });
    expect(err.cause).toBe(error);
  });

  it('a real fetch that AbortSignal.timeout() cuts: TimeoutError; a caller abort: AbortedError, not retryable', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createHttpServer(() => undefined); // never answers
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const timedOut = await rejected(fetch(url, { signal: AbortSignal.timeout(50) }));
      expect((timedOut as DOMException).name).toBe('TimeoutError');
      const err = classifyError(timedOut, { provider: 'openai' });
      expect(TimeoutError.isInstance(err)).toBe(true);
      expect([err.code, err.retryable]).toEqual(['LA_TIMEOUT', true]);

      const controller = new AbortController();
      const pending = fetch(url, { signal: controller.signal });
      controller.abort();
      const aborted = classifyError(await rejected(pending));
      expect(AbortedError.isInstance(aborted)).toBe(true);
      expect([aborted.code, aborted.category, aborted.retryable]).toEqual([
        'LA_ABORTED',
        'user',
        false,
      ]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('node:timers/promises cut by AbortSignal.timeout(): an AbortError caused by a TimeoutError is a timeout', async () => {
    const error = await rejected(sleep(60_000, undefined, { signal: AbortSignal.timeout(10) }));
    expect((error as Error).name).toBe('AbortError');
    const err = classifyError(error, { provider: 'gemini' });
    expect(TimeoutError.isInstance(err)).toBe(true);
    expect(err.message).toBe('Could not reach gemini: The operation was aborted due to timeout');
    const controller = new AbortController();
    const cancelled = rejected(sleep(60_000, undefined, { signal: controller.signal }));
    controller.abort();
    expect(classifyError(await cancelled).code).toBe('LA_ABORTED');
  });

  it('a fetch whose cause carries no code, and SDK connection errors', () => {
    const bare = classifyError(new TypeError('fetch failed', { cause: new Error('bad port') }), {
      provider: 'openai',
    });
    expect([bare.code, bare.message]).toEqual([
      'LA_NETWORK',
      'Could not reach openai: fetch failed: bad port',
    ]);
    const viaCause = classifyError(
      new OpenAI.APIConnectionError({
        cause: new TypeError('fetch failed', {
          cause: Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
        }),
      }),
    );
    expect(TimeoutError.isInstance(viaCause)).toBe(true);
    expect(TimeoutError.isInstance(classifyError(new OpenAI.APIConnectionTimeoutError()))).toBe(
      true,
    );
    expect(AbortedError.isInstance(classifyError(new OpenAI.APIUserAbortError()))).toBe(true);
    const abortedFetch = classifyError(
      new TypeError('fetch failed', { cause: new DOMException('aborted', 'AbortError') }),
    );
    expect(AbortedError.isInstance(abortedFetch)).toBe(true);
    expect(classifyError(new OpenAI.APIConnectionError({ cause: undefined })).code).toBe(
      'LA_NETWORK',
    );
  });

  it('a real socket error (ECONNREFUSED from net.connect) and Node errno codes', async () => {
    const port = await closedPort();
    const error = await new Promise<unknown>((resolve) =>
      createConnection(port, '127.0.0.1').on('error', resolve),
    );
    const err = classifyError(error);
    expect([err.name, err.code, err.message]).toEqual([
      'NetworkError',
      'LA_NETWORK',
      `connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
    for (const code of ['ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']) {
      expect(classifyError(Object.assign(new Error(code), { code })).code).toBe('LA_NETWORK');
    }
    expect(classifyError(Object.assign(new Error('t'), { code: 'ETIMEDOUT' })).code).toBe(
      'LA_TIMEOUT',
    );
    // undici's happy-eyeballs failure: an AggregateError whose members carry the code
    const aggregate = new AggregateError(
      [Object.assign(new Error('connect ECONNREFUSED ::1:11434'), { code: 'ECONNREFUSED' })],
      '',
    );
    expect(classifyError(aggregate).code).toBe('LA_NETWORK');
    expect(
      classifyError(Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR' }))
        .code,
    ).toBe('LA_ABORTED');
    expect(classifyError(Object.assign(new Error('?'), { code: 'ERR_SOMETHING' })).code).toBe(
      'LA_INTERNAL',
    );
  });

  it('real file-system errors become StorageErrors with a specific suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-errors-'));
    const missing = classifyError(caught(() => readFileSync(join(dir, 'keys.json'))));
    expect(StorageError.isInstance(missing)).toBe(true);
    expect([missing.category, missing.details['systemCode'], missing.details['path']]).toEqual([
      'system',
      'ENOENT',
      join(dir, 'keys.json'),
    ]);
    writeFileSync(join(dir, 'file'), 'x');
    const notDir = classifyError(caught(() => mkdirSync(join(dir, 'file', 'sub'))));
    expect([notDir.code, notDir.details['systemCode']]).toEqual(['LA_STORAGE_FAILED', 'ENOTDIR']);
    const full = classifyError(
      Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        syscall: 'write',
      }),
    );
    expect(full.suggestion).toBe('The disk is full; free some space and retry.');
    expect(full.details).toEqual({ systemCode: 'ENOSPC' });
    const denied = classifyError(
      Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }),
    );
    expect(denied.suggestion).toContain('localagent doctor');
  });

  it('anything else is a system error keeping the original as cause', () => {
    const bug = new RangeError('Invalid array length');
    const err = classifyError(bug);
    expect(LocalAgentError.isInstance(err)).toBe(true);
    expect([err.name, err.code, err.category, err.retryable, err.message]).toEqual([
      'LocalAgentError',
      'LA_INTERNAL',
      'system',
      false,
      'Invalid array length',
    ]);
    expect(err.cause).toBe(bug);
    expect(classifyError('boom').message).toBe('boom');
    expect(classifyError(42).message).toBe('non-error value thrown: 42');
    expect(classifyError(undefined).message).toBe('non-error value thrown: undefined');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(classifyError(circular).message).toBe('non-error value thrown: [object Object]');
    expect(classifyError(null).cause).toBeNull();
  });

  it('returns our own error unchanged when an SDK connection error wraps it', () => {
    const open = new CircuitOpenError({ provider: 'openai', retryAfterMs: 5000 });
    expect(classifyError(new Anthropic.APIConnectionError({ cause: open }))).toBe(open);
    expect(classifyError(new TypeError('fetch failed', { cause: open }))).toBe(open);
  });
});
