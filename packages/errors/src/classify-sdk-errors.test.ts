/**
 * classifyError on errors built by the SDKs' own classes (dev dependencies), never on look-alikes:
 * openai-node's classes all report `name === 'Error'` at run time, which a fake with a convenient
 * name hides. Errors the SDKs raise from real calls are covered by the matrix in
 * packages/resilience/test/sdk-matrix.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import { APICallError, LoadAPIKeyError, RetryError } from 'ai';
import axios, { AxiosError, AxiosHeaders, CanceledError } from 'axios';
import { CohereError, CohereTimeoutError } from 'cohere-ai';
import OpenAI from 'openai';
import { AbortedError } from './aborted-error';
import { classifyError } from './classify-error';
import { KeyNotFoundError } from './local-errors';
import {
  AuthenticationError,
  CircuitOpenError,
  InvalidRequestError,
  NetworkError,
  ProviderUnavailableError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
} from './provider-errors';

const socketError = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
const fetchFailed = (): TypeError => new TypeError('fetch failed', { cause: socketError() });

describe('openai-node, groq-sdk, @anthropic-ai/sdk (Stainless)', () => {
  it('their classes report name "Error": connection, timeout and abort are read from the classes', () => {
    const connection = new OpenAI.APIConnectionError({ cause: fetchFailed() });
    expect(connection.name).toBe('Error');
    const network = classifyError(connection, { provider: 'openai' });
    expect([network.name, network.code, network.retryable, network.message]).toEqual([
      'NetworkError',
      'LA_NETWORK',
      true,
      'Could not reach openai: connect ECONNREFUSED 127.0.0.1:9',
    ]);
    expect(network.cause).toBe(connection);
    expect(TimeoutError.isInstance(classifyError(new OpenAI.APIConnectionTimeoutError()))).toBe(
      true,
    );
    expect(AbortedError.isInstance(classifyError(new OpenAI.APIUserAbortError()))).toBe(true);
    expect(
      classifyError(
        new OpenAI.APIConnectionError({ message: 'Connection error.', cause: undefined }),
      ).code,
    ).toBe('LA_NETWORK');
  });

  it("an abort is the caller's only when the caller's signal fired, and AbortSignal.timeout() is a timeout", () => {
    const abort = new Anthropic.APIUserAbortError();
    expect(classifyError(abort, { signal: AbortSignal.abort() }).code).toBe('LA_ABORTED');
    expect(
      classifyError(abort, {
        signal: AbortSignal.abort(new DOMException('timed out', 'TimeoutError')),
      }).code,
    ).toBe('LA_TIMEOUT');
    // the caller's signal did not fire: the SDK's own timer aborted the request
    expect(classifyError(abort, { signal: new AbortController().signal }).code).toBe('LA_TIMEOUT');
  });

  it('HTTP errors keep status, headers and body; the provider defaults to the SDK that threw', () => {
    const headers = new Headers({ 'retry-after': '3', 'x-request-id': 'req_9' });
    const limited = classifyError(
      OpenAI.APIError.generate(
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        undefined,
        headers,
      ),
    );
    expect(
      RateLimitError.isInstance(limited) && [
        limited.provider,
        limited.retryAfterMs,
        limited.requestId,
      ],
    ).toEqual(['openai', 3000, 'req_9']);
    const auth = classifyError(
      Anthropic.APIError.generate(
        401,
        { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        undefined,
        new Headers(),
      ),
    );
    expect(AuthenticationError.isInstance(auth) && auth.provider).toBe('anthropic');
  });

  it('an error event inside a 200 stream classifies like the status its type means', () => {
    const openaiStream = new OpenAI.APIError(
      undefined,
      { message: 'The server had an error', type: 'server_error' },
      undefined,
      new Headers(),
    );
    expect(ProviderUnavailableError.isInstance(classifyError(openaiStream))).toBe(true);
    const overloaded = new Anthropic.APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers(),
    );
    const err = classifyError(overloaded);
    expect([err.code, err.retryable, err.message]).toEqual([
      'LA_PROVIDER_UNAVAILABLE',
      true,
      'anthropic sent an error in a 200 response: Overloaded',
    ]);
  });

  it('a bundler that renamed the classes leaves the fixed messages to go by', () => {
    // what a minified APIUserAbortError / APIConnectionTimeoutError looks like: own status/headers/error, no class names
    const minified = (message: string): Error =>
      Object.assign(new Error(message), {
        status: undefined,
        headers: undefined,
        error: undefined,
      });
    expect(classifyError(minified('Request was aborted.')).code).toBe('LA_ABORTED');
    expect(classifyError(minified('Request timed out.')).code).toBe('LA_TIMEOUT');
    expect(classifyError(minified('Connection error.')).code).toBe('LA_NETWORK');
  });

  it('our own error inside their connection error comes back unchanged', () => {
    const open = new CircuitOpenError({ provider: 'openai', retryAfterMs: 5000 });
    expect(classifyError(new OpenAI.APIConnectionError({ cause: open }))).toBe(open);
  });
});

describe('the Vercel AI SDK', () => {
  const call = { url: 'http://127.0.0.1/v1/chat/completions', requestBodyValues: {} };

  it('APICallError carries statusCode, responseHeaders and responseBody', () => {
    const error = new APICallError({
      ...call,
      message: 'Overloaded',
      statusCode: 529,
      responseHeaders: { 'retry-after': '2' },
      responseBody: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    });
    const err = classifyError(error, { provider: 'anthropic' });
    expect(
      ProviderUnavailableError.isInstance(err) && [err.status, err.retryAfterMs, err.providerCode],
    ).toEqual([529, 2000, 'overloaded_error']);
    const quota = classifyError(
      new APICallError({
        ...call,
        message: 'quota',
        statusCode: 429,
        responseBody:
          '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}',
      }),
    );
    expect(QuotaExceededError.isInstance(quota)).toBe(true);
    const tooLong = classifyError(
      new APICallError({
        ...call,
        message: 'too long',
        statusCode: 400,
        responseBody:
          '{"error":{"message":"maximum context length","code":"context_length_exceeded"}}',
      }),
    );
    expect(InvalidRequestError.isInstance(tooLong)).toBe(true);
  });

  it('a connection failure (no statusCode) is a NetworkError; a 200 whose body broke off is read from its cause', () => {
    expect(
      NetworkError.isInstance(
        classifyError(
          new APICallError({
            ...call,
            message: 'Cannot connect to API',
            cause: socketError(),
            isRetryable: true,
          }),
        ),
      ),
    ).toBe(true);
    const broken = new APICallError({
      ...call,
      message: 'Failed to process successful response',
      statusCode: 200,
      cause: new TypeError('terminated', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
    });
    expect(classifyError(broken).code).toBe('LA_NETWORK');
  });

  it('RetryError means its last error; LoadAPIKeyError means no key', () => {
    const last = new APICallError({ ...call, message: 'busy', statusCode: 503 });
    const retry = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [new APICallError({ ...call, message: 'x', statusCode: 429 }), last],
    });
    const err = classifyError(retry, { provider: 'openai' });
    expect(ProviderUnavailableError.isInstance(err) && err.cause).toBe(last);
    const missing = classifyError(new LoadAPIKeyError({ message: 'OpenAI API key is missing.' }), {
      provider: 'openai',
    });
    expect(KeyNotFoundError.isInstance(missing)).toBe(true);
    expect(missing.suggestion).toContain('localagent config set-key openai');
  });

  it("a stream's error part is a plain provider object", () => {
    expect(
      classifyError({ type: 'overloaded_error', message: 'Overloaded' }, { provider: 'anthropic' })
        .code,
    ).toBe('LA_PROVIDER_UNAVAILABLE');
    expect(
      classifyError({
        message: 'The server had an error',
        type: 'server_error',
        param: null,
        code: null,
      }).code,
    ).toBe('LA_PROVIDER_UNAVAILABLE');
    // an object that names no error status is not taken for one
    expect(classifyError({ message: 'hello', type: 'greeting' }).code).toBe('LA_INTERNAL');
  });
});

describe('@google/genai, cohere-ai, axios', () => {
  it("@google/genai's ApiError has the body as JSON in its message", () => {
    const body = {
      error: {
        code: 429,
        message: 'Resource exhausted',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }],
      },
    };
    const err = classifyError(new ApiError({ message: JSON.stringify(body), status: 429 }), {
      provider: 'gemini',
    });
    expect(RateLimitError.isInstance(err) && err.retryAfterMs).toBe(12_000);
  });

  it('CohereError: status, body and rawResponse headers; its abort (499), its timeout and its connection failures', () => {
    const limited = new CohereError({
      statusCode: 429,
      body: { message: 'You are using a Trial key, which is limited to 10 API calls / minute.' },
      rawResponse: {
        headers: new Headers({ 'retry-after': '6' }),
        redirected: false,
        status: 429,
        statusText: '',
        type: 'basic',
        url: '',
      },
    });
    const err = classifyError(limited);
    expect(RateLimitError.isInstance(err) && [err.provider, err.retryAfterMs]).toEqual([
      'cohere',
      6000,
    ]);
    const abortRaw = {
      headers: new Headers(),
      redirected: false,
      status: 499,
      statusText: 'Client Closed Request',
      type: 'error' as const,
      url: '',
    };
    expect(
      classifyError(
        new CohereError({
          message: 'The user aborted a request',
          rawResponse: abortRaw,
          cause: new DOMException('aborted', 'AbortError'),
        }),
      ).code,
    ).toBe('LA_ABORTED');
    // Fern aborts fetch with the string 'timeout' and passes it on as the cause
    const unknownRaw = { ...abortRaw, status: 0, statusText: 'Unknown Error' };
    expect(
      classifyError(
        new CohereError({ message: '"timeout"', rawResponse: unknownRaw, cause: 'timeout' }),
      ).code,
    ).toBe('LA_TIMEOUT');
    expect(
      classifyError(new CohereTimeoutError('Timeout exceeded when calling POST /v2/chat.')).code,
    ).toBe('LA_TIMEOUT');
    expect(
      classifyError(
        new CohereError({ message: 'fetch failed', rawResponse: unknownRaw, cause: fetchFailed() }),
      ).code,
    ).toBe('LA_NETWORK');
  });

  it('AxiosError: response, its own timeout (ECONNABORTED), cancellation, a body cut off', () => {
    const config = { headers: new AxiosHeaders() };
    const response = {
      status: 503,
      statusText: '',
      headers: { 'retry-after': '1' },
      config,
      data: { error: { message: 'busy', type: 'server_error' } },
    };
    const err = classifyError(
      new AxiosError(
        'Request failed with status code 503',
        'ERR_BAD_RESPONSE',
        config,
        {},
        response,
      ),
      { provider: 'openai' },
    );
    expect(ProviderUnavailableError.isInstance(err) && err.retryAfterMs).toBe(1000);
    expect(
      classifyError(new AxiosError('timeout of 300ms exceeded', 'ECONNABORTED', config)).code,
    ).toBe('LA_TIMEOUT');
    expect(classifyError(new CanceledError(undefined, undefined, config)).code).toBe('LA_ABORTED');
    const cut = new AxiosError(
      'stream has been aborted',
      'ERR_BAD_RESPONSE',
      config,
      {},
      { ...response, status: 200 },
    );
    expect(classifyError(cut).code).toBe('LA_NETWORK');
    expect(classifyError(new AxiosError('connect ECONNREFUSED', 'ECONNREFUSED', config)).code).toBe(
      'LA_NETWORK',
    );
    expect(
      classifyError(
        new AxiosError('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS', config),
      ).code,
    ).toBe('LA_INTERNAL');
  });
});

describe('TLS failures are not retried', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('plain http'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('https:// to a plain HTTP server through fetch and through node:http (axios): LA_TLS_FAILED, not retryable', async () => {
    const viaFetch = await fetch(url).catch((e: unknown) => e);
    const err = classifyError(viaFetch, { provider: 'ollama' });
    expect([err.name, err.code, err.category, err.retryable]).toEqual([
      'NetworkError',
      'LA_TLS_FAILED',
      'user',
      false,
    ]);
    expect(err.suggestion).toContain('NODE_EXTRA_CA_CERTS');
    const viaAxios = await axios.get(url).catch((e: unknown) => e);
    expect(classifyError(viaAxios).code).toBe('LA_TLS_FAILED');
    expect(
      classifyError(
        Object.assign(new Error('self-signed certificate'), {
          code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        }),
      ).retryable,
    ).toBe(false);
  });
});

describe('wrappers', () => {
  it('walks cause chains and AggregateErrors, and stops at a cycle', () => {
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: socketError() }) });
    expect(classifyError(wrapped).code).toBe('LA_NETWORK');
    expect(classifyError(new AggregateError([new Error('nothing'), socketError()])).code).toBe(
      'LA_NETWORK',
    );
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = new Error('b', { cause: a });
    expect(classifyError(a).code).toBe('LA_INTERNAL');
    const unknownCode = Object.assign(new Error('weird'), {
      code: 'ERR_WEIRD',
      cause: fetchFailed(),
    });
    expect(classifyError(unknownCode).code).toBe('LA_NETWORK');
  });
});

describe('what the review found', () => {
  it('an AggregateError that lists itself is classified at once (each error looked into once)', () => {
    const loop = new AggregateError([], 'loop');
    (loop as { errors: unknown[] }).errors = Array.from({ length: 12 }, () => loop);
    expect(classifyError(loop).code).toBe('LA_INTERNAL');
  });

  it('one of our own errors inside is returned unchanged even when it is LA_INTERNAL', () => {
    const ours = classifyError(new RangeError('bug'));
    expect(classifyError(new OpenAI.APIConnectionError({ cause: ours }))).toBe(ours);
  });

  it("Cohere's 498 is an invalid token, Groq's 498 is capacity", () => {
    const cohere = new CohereError({
      statusCode: 498,
      body: { message: 'invalid api token' },
      rawResponse: {
        headers: new Headers(),
        redirected: false,
        status: 498,
        statusText: '',
        type: 'basic',
        url: '',
      },
    });
    expect(classifyError(cohere).code).toBe('LA_AUTH_FAILED');
  });
});
