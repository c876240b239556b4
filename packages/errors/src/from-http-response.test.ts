import * as fixtures from './__fixtures__/provider-responses';
import type { ResponseFixture } from './__fixtures__/provider-responses';
import { fromHttpResponse } from './from-http-response';
import { LocalAgentError } from './local-agent-error';
import {
  AuthenticationError,
  ContentFilteredError,
  InvalidRequestError,
  ProviderError,
  ProviderUnavailableError,
  QuotaExceededError,
  RateLimitError,
} from './provider-errors';

type Expected = {
  class: { isInstance(value: unknown): boolean; name: string };
  code: string;
  category: string;
  retryable: boolean;
  retryAfterMs?: number;
  requestId?: string;
  providerCode?: string;
};

function check(fixture: ResponseFixture, expected: Expected): ProviderError {
  const err = fromHttpResponse(fixture);
  expect(expected.class.isInstance(err)).toBe(true);
  expect(err.name).toBe(expected.class.name);
  expect(LocalAgentError.isInstance(err)).toBe(true);
  expect({
    code: err.code,
    category: err.category,
    retryable: err.retryable,
    retryAfterMs: err.retryAfterMs,
  }).toEqual({
    code: expected.code,
    category: expected.category,
    retryable: expected.retryable,
    retryAfterMs: expected.retryAfterMs,
  });
  if (expected.requestId !== undefined) expect(err.requestId).toBe(expected.requestId);
  if (expected.providerCode !== undefined) expect(err.providerCode).toBe(expected.providerCode);
  expect(err.provider).toBe(fixture.provider);
  expect(err.status).toBe(fixture.status);
  expect(err.message.startsWith(`${fixture.provider} returned HTTP ${fixture.status}: `)).toBe(
    true,
  );
  expect(err.suggestion).toEqual(expect.any(String));
  return err;
}

describe('fromHttpResponse with real provider responses', () => {
  it('OpenAI 401: AuthenticationError, and the echoed key fragment is masked everywhere', () => {
    const key = fixtures.fakeOpenAIKey();
    const fixture = fixtures.openai401(key);
    const err = check(fixture, {
      class: AuthenticationError,
      code: 'LA_AUTH_FAILED',
      category: 'user',
      retryable: false,
      requestId: 'req_6a8f0c1d2e3b4a5968778695a4b3c2d1',
      providerCode: 'invalid_api_key',
    });
    const everything = [
      err.message,
      JSON.stringify(err.toJSON({ stack: true })),
      err.stack,
      String(err.suggestion),
    ].join('\n');
    expect(everything).not.toContain(key.slice(-4));
    expect(everything).not.toContain(key.slice(0, 12));
    expect(err.message).toContain(
      'Incorrect API key provided: [REDACTED]. You can find your API key',
    );
    expect(err.suggestion).toContain('localagent config set-key openai');
  });

  it('OpenAI 429 rate limit: RateLimitError, retry-after-ms wins over retry-after', () => {
    const err = check(fixtures.openai429RateLimit, {
      class: RateLimitError,
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      retryable: true,
      retryAfterMs: 1310,
      providerCode: 'rate_limit_exceeded',
    });
    expect(err.details).toMatchObject({
      provider: 'openai',
      status: 429,
      retryAfterMs: 1310,
      type: 'tokens',
    });
    expect(err.suggestion).toBe(
      'Retry after 2 s; reduce request concurrency if this keeps happening.',
    );
  });

  it('OpenAI 429 insufficient_quota is a QuotaExceededError, not a rate limit', () => {
    const err = check(fixtures.openai429InsufficientQuota, {
      class: QuotaExceededError,
      code: 'LA_QUOTA_EXCEEDED',
      category: 'user',
      retryable: false,
      providerCode: 'insufficient_quota',
    });
    expect(RateLimitError.isInstance(err)).toBe(false);
  });

  it('OpenAI 500: ProviderUnavailableError, retryable', () => {
    check(fixtures.openai500, {
      class: ProviderUnavailableError,
      code: 'LA_PROVIDER_UNAVAILABLE',
      category: 'transient',
      retryable: true,
      providerCode: 'server_error',
    });
  });

  it('Anthropic 401: AuthenticationError with the request-id header', () => {
    check(fixtures.anthropic401, {
      class: AuthenticationError,
      code: 'LA_AUTH_FAILED',
      category: 'user',
      retryable: false,
      requestId: 'req_011CSHoEeqs5C35K2UUqR7Fy',
      providerCode: 'authentication_error',
    });
  });

  it('Anthropic 429: RateLimitError with retry-after in seconds', () => {
    check(fixtures.anthropic429, {
      class: RateLimitError,
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      retryable: true,
      retryAfterMs: 20_000,
      providerCode: 'rate_limit_error',
    });
  });

  it('Anthropic 529 overloaded_error: ProviderUnavailableError', () => {
    check(fixtures.anthropic529, {
      class: ProviderUnavailableError,
      code: 'LA_PROVIDER_UNAVAILABLE',
      category: 'transient',
      retryable: true,
      providerCode: 'overloaded_error',
    });
  });

  it('Gemini 429 RESOURCE_EXHAUSTED with RetryInfo: RateLimitError waiting retryDelay', () => {
    const err = check(fixtures.gemini429WithRetryInfo, {
      class: RateLimitError,
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      retryable: true,
      retryAfterMs: 37_000,
      providerCode: 'RESOURCE_EXHAUSTED',
    });
    expect(err.details['reasons']).toEqual([
      'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
    ]);
  });

  it('Gemini 429 daily quota without a retry hint: QuotaExceededError', () => {
    check(fixtures.gemini429Daily, {
      class: QuotaExceededError,
      code: 'LA_QUOTA_EXCEEDED',
      category: 'user',
      retryable: false,
    });
  });

  it('Gemini 400 API_KEY_INVALID: AuthenticationError', () => {
    check(fixtures.gemini400BadKey, {
      class: AuthenticationError,
      code: 'LA_AUTH_FAILED',
      category: 'user',
      retryable: false,
    });
  });

  it('Azure content filter 400: ContentFilteredError, a user error', () => {
    const err = check(fixtures.azureContentFilter400, {
      class: ContentFilteredError,
      code: 'LA_CONTENT_FILTERED',
      category: 'user',
      retryable: false,
      requestId: '5e1f0c3a-7b2d-4e8f-9a6b-1c2d3e4f5a6b',
      providerCode: 'content_filter',
    });
    expect(err.details['param']).toBe('prompt');
    expect(InvalidRequestError.isInstance(err)).toBe(false);
  });

  it('Ollama 404 unknown model: InvalidRequestError suggesting ollama pull', () => {
    const err = check(fixtures.ollama404, {
      class: InvalidRequestError,
      code: 'LA_INVALID_REQUEST',
      category: 'permanent',
      retryable: false,
    });
    expect(err.message).toBe("ollama returned HTTP 404: model 'llama3.3:70b' not found");
    expect(err.suggestion).toContain('ollama pull llama3.3:70b');
  });

  it('Groq 404 model_not_found names the model; Mistral 422 flat body', () => {
    const groq = check(fixtures.groq404, {
      class: InvalidRequestError,
      code: 'LA_INVALID_REQUEST',
      category: 'permanent',
      retryable: false,
      providerCode: 'model_not_found',
    });
    expect(groq.suggestion).toContain('`llama-9-1000b`');
    const mistral = check(fixtures.mistral422, {
      class: InvalidRequestError,
      code: 'LA_INVALID_REQUEST',
      category: 'permanent',
      retryable: false,
      requestId: 'mistral-req-42',
      providerCode: 'invalid_request_error',
    });
    expect(mistral.message).toContain('Input should be a valid integer');
  });

  it('out of credit: OpenRouter 402 and Anthropic "credit balance is too low" 400', () => {
    check(fixtures.openrouter402, {
      class: QuotaExceededError,
      code: 'LA_QUOTA_EXCEEDED',
      category: 'user',
      retryable: false,
    });
    check(fixtures.anthropicCreditBalance400, {
      class: QuotaExceededError,
      code: 'LA_QUOTA_EXCEEDED',
      category: 'user',
      retryable: false,
    });
  });

  it('an HTML page from a proxy: the title becomes the message', () => {
    const err = check(fixtures.proxy502Html, {
      class: ProviderUnavailableError,
      code: 'LA_PROVIDER_UNAVAILABLE',
      category: 'transient',
      retryable: true,
    });
    expect(err.message).toBe('openrouter returned HTTP 502: 502 Bad Gateway');
  });
});

describe('fromHttpResponse rules', () => {
  it('accepts a Headers object and a raw JSON text body', () => {
    const { body, headers } = fixtures.openai429RateLimit;
    const err = fromHttpResponse({
      provider: 'openai',
      status: 429,
      headers: new Headers(headers),
      body: JSON.stringify(body),
    });
    expect(RateLimitError.isInstance(err)).toBe(true);
    expect(err.retryAfterMs).toBe(1310);
    expect(err.requestId).toBe('req_0c9d5d3c1e7a4b0f9a2e6f8d7c6b5a49');
  });

  it('reads header names case-insensitively from a record, and bytes as a body', () => {
    const err = fromHttpResponse({
      provider: 'anthropic',
      status: 529,
      headers: { 'Retry-After': '3', 'Request-Id': 'req_A' },
      body: new TextEncoder().encode(JSON.stringify(fixtures.anthropic529.body)),
    });
    expect(err.retryAfterMs).toBe(3000);
    expect(err.requestId).toBe('req_A');
    expect(err.providerCode).toBe('overloaded_error');
  });

  it('retry-after as an HTTP date, measured against the injected clock', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const err = fromHttpResponse({
      provider: 'groq',
      status: 429,
      headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' },
      body: '',
      now: () => now,
    });
    expect(err.retryAfterMs).toBe(30_000);
    const past = fromHttpResponse({
      provider: 'groq',
      status: 429,
      headers: { 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' },
      now: () => now,
    });
    expect(past.retryAfterMs).toBe(0);
    const junk = fromHttpResponse({
      provider: 'groq',
      status: 429,
      headers: { 'retry-after': 'soon' },
    });
    expect(junk.retryAfterMs).toBeUndefined();
  });

  it('Gemini fractional retryDelay "1.5s" and the {seconds,nanos} form', () => {
    const details = (retryDelay: unknown) => ({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }],
      },
    });
    expect(
      fromHttpResponse({ provider: 'gemini', status: 429, body: details('1.5s') }).retryAfterMs,
    ).toBe(1500);
    expect(
      fromHttpResponse({
        provider: 'gemini',
        status: 429,
        body: details({ seconds: 2, nanos: 500_000_000 }),
      }).retryAfterMs,
    ).toBe(2500);
    expect(
      fromHttpResponse({ provider: 'gemini', status: 429, body: details('later') }).retryAfterMs,
    ).toBeUndefined();
    // wrapped in an array, as the REST streaming endpoint does
    expect(
      fromHttpResponse({ provider: 'gemini', status: 429, body: [details('4s')] }).retryAfterMs,
    ).toBe(4000);
  });

  it('a 429 without a retry hint: quota ids decide, then the message', () => {
    const gemini = (message: string, quotaIds: string[]) => ({
      provider: 'gemini',
      status: 429,
      body: {
        error: {
          code: 429,
          message,
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: quotaIds.map((quotaId) => ({ quotaId })),
            },
          ],
        },
      },
    });
    const sameMessage =
      'You exceeded your current quota, please check your plan and billing details.';
    expect(
      fromHttpResponse(
        gemini(sameMessage, ['GenerateRequestsPerMinutePerProjectPerModel-FreeTier']),
      ).code,
    ).toBe('LA_RATE_LIMITED');
    expect(
      fromHttpResponse(gemini(sameMessage, ['GenerateRequestsPerDayPerProjectPerModel-FreeTier']))
        .code,
    ).toBe('LA_QUOTA_EXCEEDED');
    expect(fromHttpResponse(gemini(sameMessage, [])).code).toBe('LA_QUOTA_EXCEEDED');
    // Groq's per-minute limit links to its billing page; without retry-after it is still a rate limit
    const groq = {
      error: {
        message:
          'Rate limit reached for model `llama-3.3-70b-versatile` on tokens per minute (TPM): Limit 6000. Upgrade at https://console.groq.com/settings/billing',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    };
    expect(fromHttpResponse({ provider: 'groq', status: 429, body: groq }).code).toBe(
      'LA_RATE_LIMITED',
    );
    expect(
      fromHttpResponse({
        provider: 'groq',
        status: 429,
        body: { error: { message: 'Rate limit reached on tokens per day (TPD)' } },
      }).code,
    ).toBe('LA_QUOTA_EXCEEDED');
  });

  it('x-should-retry overrides retryable both ways', () => {
    const no = fromHttpResponse({
      provider: 'openai',
      status: 503,
      headers: { 'x-should-retry': 'false' },
    });
    expect(ProviderUnavailableError.isInstance(no)).toBe(true);
    expect(no.retryable).toBe(false);
    const yes = fromHttpResponse({
      provider: 'openai',
      status: 400,
      headers: { 'X-Should-Retry': 'true' },
      body: { error: { message: 'try again' } },
    });
    expect(InvalidRequestError.isInstance(yes)).toBe(true);
    expect(yes.retryable).toBe(true);
    expect(
      fromHttpResponse({ provider: 'openai', status: 400, headers: { 'x-should-retry': 'maybe' } })
        .retryable,
    ).toBe(false);
  });

  it('408 and 409 are retryable; 422 and 413 are not', () => {
    for (const status of [408, 409]) {
      const err = fromHttpResponse({ provider: 'openai', status });
      expect([err.code, err.retryable]).toEqual(['LA_PROVIDER_UNAVAILABLE', true]);
      expect(err.message).toBe(`openai returned HTTP ${status}: no error message in the response`);
    }
    for (const status of [413, 422])
      expect(fromHttpResponse({ provider: 'openai', status }).retryable).toBe(false);
  });

  it('404 without a model name still says what to check', () => {
    const err = fromHttpResponse({ provider: 'openai', status: 404, body: 'Not Found' });
    expect(err.suggestion).toBe(
      'Check the model name and endpoint: openai does not know this model or path.',
    );
  });

  it('an error event inside a 200 stream is classified by its body', () => {
    const overloaded = fromHttpResponse({
      provider: 'anthropic',
      status: 200,
      body: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    });
    expect(ProviderUnavailableError.isInstance(overloaded)).toBe(true);
    expect(overloaded.status).toBe(200);
    expect(overloaded.retryable).toBe(true);
    const gemini = fromHttpResponse({
      provider: 'gemini',
      status: 200,
      body: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
    });
    expect(ProviderUnavailableError.isInstance(gemini)).toBe(true);
    const grpcOnly = fromHttpResponse({
      provider: 'gemini',
      status: 200,
      body: { error: { message: 'x', status: 'PERMISSION_DENIED' } },
    });
    expect(AuthenticationError.isInstance(grpcOnly)).toBe(true);
    const unknown = fromHttpResponse({
      provider: 'openai',
      status: 200,
      body: { error: { message: 'something odd', type: 'weird' } },
    });
    expect(unknown.name).toBe('ProviderError');
    expect([unknown.code, unknown.category, unknown.retryable]).toEqual([
      'LA_PROVIDER_ERROR',
      'permanent',
      false,
    ]);
    expect(overloaded.message).toBe('anthropic sent an error in a 200 response: Overloaded');
    expect(fromHttpResponse({ provider: 'openai', status: 200 }).message).toBe(
      'openai sent an error in a 200 response: no error message in the response',
    );
  });

  it('masks keys and bearer tokens a body echoes, and keeps the cause', () => {
    const google = ['AIza', 'Sy', 'B'.repeat(33)].join('');
    const token = [
      'eyJhbGciOiJIUzI1NiJ9',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
      'c2lnbmF0dXJlc2lnbmF0dXJl',
    ].join('.');
    const cause = new Error('upstream');
    const err = fromHttpResponse({
      provider: 'openrouter',
      status: 400,
      headers: { 'x-request-id': 'r1' },
      body: {
        error: {
          message: `bad request for key=${google} with Authorization: Bearer ${token}`,
          code: 400,
        },
      },
      cause,
    });
    const text = JSON.stringify(err.toJSON({ stack: true }));
    expect(text).not.toContain(google);
    expect(text).not.toContain(token);
    expect(err.cause).toBe(cause);
    expect(err.providerCode).toBeUndefined();
  });
});

describe("fromHttpResponse: the mapping the SDK matrix found wrong, each in the provider's own words", () => {
  const map = (
    provider: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => fromHttpResponse({ provider, status, headers, body });

  it("OpenAI's safety-system 400 and OpenRouter's moderation 403 are ContentFilteredError", () => {
    const safety = map('openai', 400, {
      error: {
        message:
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
        type: 'invalid_request_error',
        param: null,
        code: 'content_policy_violation',
      },
    });
    expect(ContentFilteredError.isInstance(safety)).toBe(true);
    const noCode = map('openai', 400, {
      error: {
        message: 'Your request was rejected as a result of our safety system.',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect(noCode.code).toBe('LA_CONTENT_FILTERED');
    const flagged = map('openrouter', 403, {
      error: {
        code: 403,
        message:
          'openai/gpt-4o requires moderation on OpenAI. Your input was flagged for "harassment".',
        metadata: { reasons: ['harassment'], flagged_input: 'abc', provider_name: 'OpenAI' },
      },
    });
    expect([flagged.code, flagged.retryable]).toEqual(['LA_CONTENT_FILTERED', false]);
  });

  it("Groq's 498 (flex tier at capacity) and Cohere's 499 are retried", () => {
    const flex = map('groq', 498, {
      error: {
        message: 'Flex tier capacity exceeded. This is a known issue and we are working on it.',
        type: 'capacity_exceeded',
      },
    });
    expect([flex.name, flex.retryable]).toEqual(['ProviderUnavailableError', true]);
    expect(map('cohere', 499, { message: 'request cancelled' }).retryable).toBe(true);
  });

  it("OpenAI's 429 for one request above the TPM limit is not retried: it can never succeed", () => {
    const err = map('openai', 429, {
      error: {
        message:
          'Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Requested 45000. The input or output tokens must be reduced in order to run successfully.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect([err.name, err.retryable]).toEqual(['InvalidRequestError', false]);
    expect(err.suggestion).toContain('tokens-per-minute limit');
  });

  it('a Gemini 429 whose quota id is per day is a quota error even with a RetryInfo', () => {
    const err = map('gemini', 429, {
      error: {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric:
                  'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '47s' },
        ],
      },
    });
    expect(QuotaExceededError.isInstance(err) && [err.retryable, err.retryAfterMs]).toEqual([
      false,
      47_000,
    ]);
  });

  it('a wait named in the message keeps a per-day limit a rate limit; a monthly trial limit is a quota', () => {
    const tpd = map('groq', 429, {
      error: {
        message:
          'Rate limit reached for model `llama-3.3-70b-versatile` on tokens per day (TPD): Limit 100000, Used 99000, Requested 2000. Please try again in 14m24s.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    });
    expect(RateLimitError.isInstance(tpd)).toBe(true);
    const monthly = map('cohere', 429, {
      message:
        'You are using a Trial key, which is limited to 1000 API calls / month. You can continue to use the Trial key for free or upgrade to a Production key.',
    });
    expect(QuotaExceededError.isInstance(monthly)).toBe(true);
  });

  it('a region the provider does not serve is an AuthenticationError that says a key will not help', () => {
    const gemini = map('gemini', 400, {
      error: {
        code: 400,
        message: 'User location is not supported for the API use.',
        status: 'FAILED_PRECONDITION',
      },
    });
    expect(AuthenticationError.isInstance(gemini)).toBe(true);
    expect(gemini.suggestion).toContain('your country or region');
    const openai = map('openai', 403, {
      error: {
        code: 'unsupported_country_region_territory',
        message: 'Country, region, or territory not supported',
        param: null,
        type: 'request_forbidden',
      },
    });
    expect(openai.suggestion).toContain('your country or region');
  });
});
