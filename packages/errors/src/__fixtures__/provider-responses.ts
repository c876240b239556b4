/**
 * Error responses as the providers send them (bodies and the headers that matter), copied from
 * real responses and the providers' documentation. Keys are built at run time so that no
 * credential-shaped string is committed.
 */
import { randomBytes } from 'node:crypto';

export interface ResponseFixture {
  provider: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A fake OpenAI project key, different on every run. */
export function fakeOpenAIKey(): string {
  return ['sk', 'proj', randomBytes(24).toString('base64url') + 'abcd'].join('-');
}

/** What OpenAI's 401 echoes: the key's first characters, asterisks, its last four. */
export function openAIKeyFragment(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(40)}${key.slice(-4)}`;
}

export function openai401(key: string): ResponseFixture {
  return {
    provider: 'openai',
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_6a8f0c1d2e3b4a5968778695a4b3c2d1' },
    body: {
      error: {
        message: `Incorrect API key provided: ${openAIKeyFragment(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
  };
}

export const openai429RateLimit: ResponseFixture = {
  provider: 'openai',
  status: 429,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': 'req_0c9d5d3c1e7a4b0f9a2e6f8d7c6b5a49',
    'retry-after': '2',
    'retry-after-ms': '1310',
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-tokens': '0',
    'x-ratelimit-reset-tokens': '1.31s',
  },
  body: {
    error: {
      message:
        'Rate limit reached for gpt-4o in organization org-x1y2z3 on tokens per min (TPM): Limit 30000, Used 29634, Requested 1021. Please try again in 1.31s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    },
  },
};

export const openai429InsufficientQuota: ResponseFixture = {
  provider: 'openai',
  status: 429,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1b2c3d4e5f60718293a4b5c6d7e8f901' },
  body: {
    error: {
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    },
  },
};

export const openai500: ResponseFixture = {
  provider: 'openai',
  status: 500,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_9f8e7d6c5b4a39281706f5e4d3c2b1a0' },
  body: {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  },
};

export const anthropic401: ResponseFixture = {
  provider: 'anthropic',
  status: 401,
  headers: { 'content-type': 'application/json', 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy', 'x-should-retry': 'false' },
  body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' },
};

export const anthropic429: ResponseFixture = {
  provider: 'anthropic',
  status: 429,
  headers: {
    'content-type': 'application/json',
    'request-id': 'req_011CRateLimited0000000000',
    'retry-after': '20',
    'anthropic-ratelimit-input-tokens-limit': '50000',
    'anthropic-ratelimit-input-tokens-remaining': '0',
    'x-should-retry': 'true',
  },
  body: {
    type: 'error',
    error: {
      type: 'rate_limit_error',
      message:
        'This request would exceed the rate limit for your organization of 50,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
    },
  },
};

export const anthropic529: ResponseFixture = {
  provider: 'anthropic',
  status: 529,
  headers: { 'content-type': 'application/json', 'request-id': 'req_011COverloaded000000000', 'x-should-retry': 'true' },
  body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
};

export const gemini429WithRetryInfo: ResponseFixture = {
  provider: 'gemini',
  status: 429,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: {
    error: {
      code: 429,
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
              quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
              quotaValue: '15',
            },
          ],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
      ],
    },
  },
};

/** The daily free-tier quota is gone: same status, no RetryInfo. */
export const gemini429Daily: ResponseFixture = {
  provider: 'gemini',
  status: 429,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: {
    error: {
      code: 429,
      message: 'Quota exceeded for quota metric: generate_content_free_tier_requests, limit: 200 per day.',
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaValue: '200' }],
        },
      ],
    },
  },
};

export const gemini400BadKey: ResponseFixture = {
  provider: 'gemini',
  status: 400,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ],
    },
  },
};

export const azureContentFilter400: ResponseFixture = {
  provider: 'azure',
  status: 400,
  headers: { 'content-type': 'application/json', 'apim-request-id': '5e1f0c3a-7b2d-4e8f-9a6b-1c2d3e4f5a6b', 'x-ms-region': 'East US' },
  body: {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: {
          hate: { filtered: false, severity: 'safe' },
          self_harm: { filtered: false, severity: 'safe' },
          sexual: { filtered: false, severity: 'safe' },
          violence: { filtered: true, severity: 'medium' },
        },
      },
    },
  },
};

export const ollama404: ResponseFixture = {
  provider: 'ollama',
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: { error: "model 'llama3.3:70b' not found" },
};

/** Mistral's flat body. */
export const mistral422: ResponseFixture = {
  provider: 'mistral',
  status: 422,
  headers: { 'content-type': 'application/json', 'x-request-id': 'mistral-req-42' },
  body: { object: 'error', message: 'Input should be a valid integer', type: 'invalid_request_error', param: null, code: null },
};

export const groq404: ResponseFixture = {
  provider: 'groq',
  status: 404,
  headers: { 'content-type': 'application/json', 'x-request-id': 'req_01groq' },
  body: { error: { message: 'The model `llama-9-1000b` does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' } },
};

export const openrouter402: ResponseFixture = {
  provider: 'openrouter',
  status: 402,
  headers: { 'content-type': 'application/json' },
  body: { error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits' } },
};

export const anthropicCreditBalance400: ResponseFixture = {
  provider: 'anthropic',
  status: 400,
  headers: { 'content-type': 'application/json', 'request-id': 'req_011CCredit00000000000000' },
  body: {
    type: 'error',
    error: {
      type: 'invalid_request_error',
      message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
    },
  },
};

/** A proxy in front of the provider answers with HTML. */
export const proxy502Html: ResponseFixture = {
  provider: 'openrouter',
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
};
