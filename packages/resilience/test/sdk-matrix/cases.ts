/**
 * Real provider error responses (status, headers, body) for the SDK matrix test, each with
 * where it was seen, and the classification our taxonomy expects for it.
 *
 * Bodies are what the providers send, taken from their docs, their SDKs' tests and public issue
 * threads. Long messages may be shortened; fields and codes are kept as seen. Where a response
 * echoes an API key, the fragment is built at run time so no credential-shaped string is committed.
 *
 * The classification rules (the spec) are in the brief of this module:
 * - AuthenticationError  LA_AUTH_FAILED          user       not retryable: 401/403, bad key, region unsupported
 * - RateLimitError       LA_RATE_LIMITED         transient  retryable:     a 429 that is a rate limit
 * - QuotaExceededError   LA_QUOTA_EXCEEDED       user       not retryable: billing, credits, 402, Gemini PerDay/PerMonth
 * - ProviderUnavailable  LA_PROVIDER_UNAVAILABLE transient  retryable:     408, 409, 5xx, 529, Groq 498, OpenRouter 502/503
 * - InvalidRequestError  LA_INVALID_REQUEST      permanent  not retryable: other 4xx, context length, OpenAI "Request too large"
 * - ContentFilteredError LA_CONTENT_FILTERED     user       not retryable: content filter / safety / moderation
 * `x-should-retry` overrides `retryable`. `retryAfterMs`: retry-after-ms, else retry-after (s), else Gemini RetryInfo.
 */
import { randomBytes } from 'node:crypto';

export type Protocol = 'openai' | 'anthropic' | 'gemini' | 'mistral' | 'cohere' | 'ollama';

export interface ExpectedError {
  className:
    | 'AuthenticationError'
    | 'RateLimitError'
    | 'QuotaExceededError'
    | 'ProviderUnavailableError'
    | 'InvalidRequestError'
    | 'ContentFilteredError';
  code: string;
  category: 'user' | 'transient' | 'permanent';
  retryable: boolean;
  retryAfterMs: number | undefined;
}

export interface ErrorCase {
  /** unique, kebab-case, e.g. 'openai-429-rate-limit' */
  id: string;
  provider:
    | 'openai'
    | 'azure'
    | 'anthropic'
    | 'gemini'
    | 'mistral'
    | 'groq'
    | 'cohere'
    | 'openrouter'
    | 'ollama';
  /** The wire protocol: which SDKs can call this endpoint. OpenAI, Azure (v1 API), Groq, OpenRouter and Ollama's /v1 speak 'openai'; Ollama's /api/chat is 'ollama'. */
  protocol: Protocol;
  /** same as the comment: where the body comes from */
  source: string;
  status: number;
  /** include content-type; header names lower-case */
  headers: Record<string, string>;
  /** JSON value, or a string for non-JSON bodies (HTML, text) */
  body: unknown;
  expected: ExpectedError;
}

const E = {
  auth: (): ExpectedError => ({
    className: 'AuthenticationError',
    code: 'LA_AUTH_FAILED',
    category: 'user',
    retryable: false,
    retryAfterMs: undefined,
  }),
  rateLimit: (retryAfterMs?: number): ExpectedError => ({
    className: 'RateLimitError',
    code: 'LA_RATE_LIMITED',
    category: 'transient',
    retryable: true,
    retryAfterMs,
  }),
  quota: (retryAfterMs?: number): ExpectedError => ({
    className: 'QuotaExceededError',
    code: 'LA_QUOTA_EXCEEDED',
    category: 'user',
    retryable: false,
    retryAfterMs,
  }),
  unavailable: (retryAfterMs?: number): ExpectedError => ({
    className: 'ProviderUnavailableError',
    code: 'LA_PROVIDER_UNAVAILABLE',
    category: 'transient',
    retryable: true,
    retryAfterMs,
  }),
  invalid: (): ExpectedError => ({
    className: 'InvalidRequestError',
    code: 'LA_INVALID_REQUEST',
    category: 'permanent',
    retryable: false,
    retryAfterMs: undefined,
  }),
  filtered: (): ExpectedError => ({
    className: 'ContentFilteredError',
    code: 'LA_CONTENT_FILTERED',
    category: 'user',
    retryable: false,
    retryAfterMs: undefined,
  }),
};

const OPENAI_JSON = { 'content-type': 'application/json' };
const ANTHROPIC_JSON = { 'content-type': 'application/json' };
const GOOGLE_JSON = { 'content-type': 'application/json; charset=UTF-8' };
const MISTRAL_JSON = { 'content-type': 'application/json; charset=utf-8' };
const GROQ_JSON = { 'content-type': 'application/json' };
const COHERE_JSON = { 'content-type': 'application/json' };
const OPENROUTER_JSON = { 'content-type': 'application/json' };
const OLLAMA_NATIVE_JSON = { 'content-type': 'application/json; charset=utf-8' };
const OLLAMA_V1_JSON = { 'content-type': 'application/json' };

/**
 * What OpenAI's 401 echoes of the key: its first characters, asterisks, its last four. Built at run
 * time (different on every run) so that nothing credential-shaped is committed.
 */
const echoedKeyFragment = `sk-proj-${randomBytes(3).toString('hex')}${'*'.repeat(40)}${randomBytes(2).toString('hex')}`;

const OPENAI_500_BODY = {
  error: {
    message:
      'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID req_540c6eaab7f4556b2baa22bcba915d51 in your email.)',
    type: 'server_error',
    param: null,
    code: null,
  },
};

export const ERROR_CASES: readonly ErrorCase[] = [
  // ───────────────────────────── OpenAI ─────────────────────────────

  // Source: issue thread chatanywhere/GPT_API_free#62 (body); the key fragment is generated at run time.
  {
    id: 'openai-401-invalid-api-key',
    provider: 'openai',
    protocol: 'openai',
    source:
      'issue thread chatanywhere/GPT_API_free#62 (body); the key fragment is generated at run time.',
    status: 401,
    headers: { ...OPENAI_JSON, 'x-request-id': 'req_6a8f0c1d2e3b4a5968778695a4b3c2d1' },
    body: {
      error: {
        message: `Incorrect API key provided: ${echoedKeyFragment}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread home-assistant/core#120072 (also continuedev/continue#11449)
  {
    id: 'openai-403-unsupported-country',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread home-assistant/core#120072 (also continuedev/continue#11449)',
    status: 403,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        code: 'unsupported_country_region_territory',
        message: 'Country, region, or territory not supported',
        param: null,
        type: 'request_forbidden',
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread openai/openai-agents-python#458
  {
    id: 'openai-404-model-not-found',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread openai/openai-agents-python#458',
    status: 404,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        message:
          'The model `computer-use-preview-2025-03-11` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread crewAIInc/crewAI-examples#121
  {
    id: 'openai-400-context-length-exceeded',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread crewAIInc/crewAI-examples#121',
    status: 400,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread songquanpeng/one-api#737 (OpenAI images endpoint, code content_policy_violation)
  {
    id: 'openai-400-content-policy-violation',
    provider: 'openai',
    protocol: 'openai',
    source:
      'issue thread songquanpeng/one-api#737 (OpenAI images endpoint, code content_policy_violation)',
    status: 400,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        code: 'content_policy_violation',
        message:
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
        param: null,
        type: 'invalid_request_error',
      },
    },
    expected: E.filtered(),
  },
  // Source: issue thread openai/openai-openapi#11 (same safety-system rejection, code null)
  {
    id: 'openai-400-safety-system-no-code',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread openai/openai-openapi#11 (same safety-system rejection, code null)',
    status: 400,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        code: null,
        message:
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
        param: null,
        type: 'invalid_request_error',
      },
    },
    expected: E.filtered(),
  },
  // Source: packages/errors/src/__fixtures__/provider-responses.ts (openai429RateLimit); headers per https://platform.openai.com/docs/guides/rate-limits (x-ratelimit-*), retry-after-ms as honoured by openai-node src/client.ts
  {
    id: 'openai-429-rate-limit',
    provider: 'openai',
    protocol: 'openai',
    source:
      'packages/errors/src/__fixtures__/provider-responses.ts (openai429RateLimit); headers per https://platform.openai.com/docs/guides/rate-limits (x-ratelimit-*), retry-after-ms as honoured by openai-node src/client.ts',
    status: 429,
    headers: {
      ...OPENAI_JSON,
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
    expected: E.rateLimit(1310),
  },
  // Source: issue thread OpenHands/OpenHands#998
  {
    id: 'openai-429-insufficient-quota',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread OpenHands/OpenHands#998',
    status: 429,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    },
    expected: E.quota(),
  },
  // Source: issue thread TheR1D/shell_gpt#653 (also Aider-AI/aider#1880, vanna-ai/vanna-flask#11)
  // A single request above the TPM limit can never succeed: InvalidRequestError although it is a 429.
  {
    id: 'openai-429-request-too-large',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread TheR1D/shell_gpt#653 (also Aider-AI/aider#1880, vanna-ai/vanna-flask#11)',
    status: 429,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        message:
          'Request too large for gpt-4o in organization org-78asdf87asdf9aaa8976 on tokens per min (TPM): Limit 30000, Requested 31538. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread openai/openai-cua-sample-app#54
  {
    id: 'openai-500-server-error',
    provider: 'openai',
    protocol: 'openai',
    source: 'issue thread openai/openai-cua-sample-app#54',
    status: 500,
    headers: { ...OPENAI_JSON, 'x-request-id': 'req_540c6eaab7f4556b2baa22bcba915d51' },
    body: OPENAI_500_BODY,
    expected: E.unavailable(),
  },
  // Source: issue thread ikechan8370/chatgpt-plugin#125 (OpenAI 503 "That model is currently overloaded")
  {
    id: 'openai-503-model-overloaded',
    provider: 'openai',
    protocol: 'openai',
    source:
      'issue thread ikechan8370/chatgpt-plugin#125 (OpenAI 503 "That model is currently overloaded")',
    status: 503,
    headers: { ...OPENAI_JSON },
    body: {
      error: {
        message:
          'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID 500d9fff2057e4af93a280f67002c342 in your message.)',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
    expected: E.unavailable(),
  },
  // Source: issue thread n3d1117/chatgpt-telegram-bot#637 (Cloudflare/nginx HTML in front of api.openai.com)
  {
    id: 'openai-502-proxy-html',
    provider: 'openai',
    protocol: 'openai',
    source:
      'issue thread n3d1117/chatgpt-telegram-bot#637 (Cloudflare/nginx HTML in front of api.openai.com)',
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
    expected: E.unavailable(),
  },
  // Source: pull request thread stanfordnlp/dspy#203 (Cloudflare JSON 502, type cf_bad_gateway)
  {
    id: 'openai-502-cf-bad-gateway-json',
    provider: 'openai',
    protocol: 'openai',
    source: 'pull request thread stanfordnlp/dspy#203 (Cloudflare JSON 502, type cf_bad_gateway)',
    status: 502,
    headers: { ...OPENAI_JSON, server: 'cloudflare' },
    body: { error: { code: 502, message: 'Bad gateway.', param: null, type: 'cf_bad_gateway' } },
    expected: E.unavailable(),
  },
  // Source: body from issue thread openai/openai-cua-sample-app#54; the x-should-retry header is the one openai-node obeys (openai/openai-node src/client.ts shouldRetry)
  // x-should-retry: false overrides retryable (class unchanged).
  {
    id: 'openai-500-x-should-retry-false',
    provider: 'openai',
    protocol: 'openai',
    source:
      'body from issue thread openai/openai-cua-sample-app#54; the x-should-retry header is the one openai-node obeys (openai/openai-node src/client.ts shouldRetry)',
    status: 500,
    headers: { ...OPENAI_JSON, 'x-should-retry': 'false' },
    body: OPENAI_500_BODY,
    expected: { ...E.unavailable(), retryable: false },
  },

  // ───────────────────────────── Azure OpenAI ─────────────────────────────

  // Source: https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter (prompt filtered, HTTP 400); as in packages/errors/src/__fixtures__/provider-responses.ts
  {
    id: 'azure-400-content-filter',
    provider: 'azure',
    protocol: 'openai',
    source:
      'https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter (prompt filtered, HTTP 400); as in packages/errors/src/__fixtures__/provider-responses.ts',
    status: 400,
    headers: {
      'content-type': 'application/json',
      'apim-request-id': '5e1f0c3a-7b2d-4e8f-9a6b-1c2d3e4f5a6b',
      'x-ms-region': 'East US',
    },
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
    expected: E.filtered(),
  },
  // Source: issue thread openai/openai-agents-python#806 (prompt shield: jailbreak detected)
  {
    id: 'azure-400-content-filter-jailbreak',
    provider: 'azure',
    protocol: 'openai',
    source: 'issue thread openai/openai-agents-python#806 (prompt shield: jailbreak detected)',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        code: 'content_filter',
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: { jailbreak: { detected: true, filtered: true } },
        },
      },
    },
    expected: E.filtered(),
  },
  // Source: issue thread Paper2Poster/Paper2Poster#9 (body); retry-after header as Azure sends with it (https://learn.microsoft.com/azure/ai-services/openai/quotas-limits)
  {
    id: 'azure-429-token-rate-limit',
    provider: 'azure',
    protocol: 'openai',
    source:
      'issue thread Paper2Poster/Paper2Poster#9 (body); retry-after header as Azure sends with it (https://learn.microsoft.com/azure/ai-services/openai/quotas-limits)',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '60', 'x-ms-region': 'East US' },
    body: {
      error: {
        code: '429',
        message:
          'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-12-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 60 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.',
      },
    },
    expected: E.rateLimit(60000),
  },
  // Source: issue thread microsoft/copilot-camp#551 (headers as logged there: no retry-after)
  {
    id: 'azure-429-rate-limit-no-retry-after',
    provider: 'azure',
    protocol: 'openai',
    source: 'issue thread microsoft/copilot-camp#551 (headers as logged there: no retry-after)',
    status: 429,
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'apim-request-id': '3d37de60-f6c3-4ced-a637-92bc9d16d8b5',
      'x-ms-region': 'North Central US',
      'x-ratelimit-limit-requests': '8',
      'x-ratelimit-limit-tokens': '8000',
      'x-ratelimit-remaining-requests': '7',
      'x-ratelimit-remaining-tokens': '1014',
    },
    body: { error: { code: '429', message: 'Rate limit is exceeded. Try again in 2 seconds.' } },
    expected: E.rateLimit(),
  },
  // Source: issue thread SciSharp/BotSharp#386 (also microsoft/semantic-kernel#10337)
  {
    id: 'azure-401-invalid-subscription-key',
    provider: 'azure',
    protocol: 'openai',
    source: 'issue thread SciSharp/BotSharp#386 (also microsoft/semantic-kernel#10337)',
    status: 401,
    headers: {
      'content-type': 'application/json',
      'apim-request-id': '7c0e5a7b-1b8e-4b8f-9d47-3a8c2f6e1d90',
    },
    body: {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread chatboxai/chatbox#861 (also MicrosoftDocs/azure-docs#114013: "Status: 404 (Not Found) ErrorCode: DeploymentNotFound")
  {
    id: 'azure-404-deployment-not-found',
    provider: 'azure',
    protocol: 'openai',
    source:
      'issue thread chatboxai/chatbox#861 (also MicrosoftDocs/azure-docs#114013: "Status: 404 (Not Found) ErrorCode: DeploymentNotFound")',
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: {
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread Azure-Samples/azure-search-openai-demo#1390
  {
    id: 'azure-500-server-error',
    provider: 'azure',
    protocol: 'openai',
    source: 'issue thread Azure-Samples/azure-search-openai-demo#1390',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: {
      error: {
        message:
          'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if the error persists. (Please include the request ID 6d6321f8-e4aa-4a77-9aa0-67868802d7ca in your message.)',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
    expected: E.unavailable(),
  },
  // Source: issue thread langgenius/dify-official-plugins#2199 (Azure OpenAI 408 "The operation was timeout.")
  {
    id: 'azure-408-timeout',
    provider: 'azure',
    protocol: 'openai',
    source:
      'issue thread langgenius/dify-official-plugins#2199 (Azure OpenAI 408 "The operation was timeout.")',
    status: 408,
    headers: { 'content-type': 'application/json' },
    body: { error: { code: 'Timeout', message: 'The operation was timeout.' } },
    expected: E.unavailable(),
  },

  // ───────────────────────────── Anthropic ─────────────────────────────

  // Source: issue thread tickernelz/opencode-mem#50
  {
    id: 'anthropic-400-invalid-request',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread tickernelz/opencode-mem#50',
    status: 400,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CYfUGm894GvnVxoN9fNaL' },
    body: {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      request_id: 'req_011CYfUGm894GvnVxoN9fNaL',
    },
    expected: E.invalid(),
  },
  // Source: issue thread earendil-works/pi#102
  {
    id: 'anthropic-400-prompt-too-long',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread earendil-works/pi#102',
    status: 400,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CVjxiYzEFcAQC4Fk87zw2' },
    body: {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 219898 tokens > 200000 maximum',
      },
      request_id: 'req_011CVjxiYzEFcAQC4Fk87zw2',
    },
    expected: E.invalid(),
  },
  // Source: issue thread anthropics/claude-code#66314
  // A 400 invalid_request_error, but the words say billing: QuotaExceededError.
  {
    id: 'anthropic-400-credit-balance-too-low',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread anthropics/claude-code#66314',
    status: 400,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CbrFTcXhtiMzr3s6EocF7' },
    body: {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      },
      request_id: 'req_011CbrFTcXhtiMzr3s6EocF7',
    },
    expected: E.quota(),
  },
  // Source: issue thread anthropics/claude-code#9694
  {
    id: 'anthropic-401-authentication-error',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread anthropics/claude-code#9694',
    status: 401,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CUBgWE2fdbDGiPKTUQTwy' },
    body: {
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: 'req_011CUBgWE2fdbDGiPKTUQTwy',
    },
    expected: E.auth(),
  },
  // Source: issue thread anthropics/claude-code#51610
  {
    id: 'anthropic-403-permission-error',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread anthropics/claude-code#51610',
    status: 403,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CaH53rCYtDAVnwhLQvkuc' },
    body: {
      type: 'error',
      error: { type: 'permission_error', message: 'Permission denied' },
      request_id: 'req_011CaH53rCYtDAVnwhLQvkuc',
    },
    expected: E.auth(),
  },
  // Source: issue thread anthropics/claude-code#6169
  {
    id: 'anthropic-404-not-found-model',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread anthropics/claude-code#6169',
    status: 404,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CSJdwJdRY4cgapH1mAuMS' },
    body: {
      type: 'error',
      error: { type: 'not_found_error', message: 'model: opus-4' },
      request_id: 'req_011CSJdwJdRY4cgapH1mAuMS',
    },
    expected: E.invalid(),
  },
  // Source: issue thread anthropics/claude-code#14567 (also anthropics/anthropic-sdk-python#938); sent by Cloudflare, hence no request-id and no top-level "type"
  {
    id: 'anthropic-413-request-too-large',
    provider: 'anthropic',
    protocol: 'anthropic',
    source:
      'issue thread anthropics/claude-code#14567 (also anthropics/anthropic-sdk-python#938); sent by Cloudflare, hence no request-id and no top-level "type"',
    status: 413,
    headers: { ...ANTHROPIC_JSON, server: 'cloudflare' },
    body: { error: { type: 'request_too_large', message: 'Request exceeds the maximum size' } },
    expected: E.invalid(),
  },
  // Source: issue thread anthropics/claude-code#6380 (413 with invalid_request_error: context window)
  {
    id: 'anthropic-413-context-window',
    provider: 'anthropic',
    protocol: 'anthropic',
    source:
      'issue thread anthropics/claude-code#6380 (413 with invalid_request_error: context window)',
    status: 413,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CSPcw1jaHBKxvgq8Kga6G' },
    body: {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'Request size exceeds model context window',
      },
      request_id: 'req_011CSPcw1jaHBKxvgq8Kga6G',
    },
    expected: E.invalid(),
  },
  // Source: body from issue thread anthropics/claude-code#71279; headers from issue thread whoz-oss/coday#110
  {
    id: 'anthropic-429-rate-limit',
    provider: 'anthropic',
    protocol: 'anthropic',
    source:
      'body from issue thread anthropics/claude-code#71279; headers from issue thread whoz-oss/coday#110',
    status: 429,
    headers: {
      ...ANTHROPIC_JSON,
      'request-id': 'req_011CcP6KcSLvjgfSVB7CthT6',
      'retry-after': '16',
      'x-should-retry': 'true',
      'anthropic-ratelimit-input-tokens-limit': '200000',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2025-06-02T15:15:48Z',
      'anthropic-ratelimit-output-tokens-limit': '80000',
      'anthropic-ratelimit-output-tokens-remaining': '80000',
      'anthropic-ratelimit-output-tokens-reset': '2025-06-02T15:14:45Z',
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '4000',
      'anthropic-ratelimit-requests-reset': '2025-06-02T15:14:45Z',
      'anthropic-ratelimit-tokens-limit': '280000',
      'anthropic-ratelimit-tokens-remaining': '80000',
      'anthropic-ratelimit-tokens-reset': '2025-06-02T15:14:45Z',
    },
    body: {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: "This request would exceed your account's rate limit. Please try again later.",
      },
      request_id: 'req_011CcP6KcSLvjgfSVB7CthT6',
    },
    expected: E.rateLimit(16000),
  },
  // Source: issue thread anthropics/claude-code#35508
  {
    id: 'anthropic-500-api-error',
    provider: 'anthropic',
    protocol: 'anthropic',
    source: 'issue thread anthropics/claude-code#35508',
    status: 500,
    headers: { ...ANTHROPIC_JSON, 'request-id': 'req_011CZ9EcaUDcBH7UHfrMXgWX' },
    body: {
      type: 'error',
      error: { type: 'api_error', message: 'Internal server error' },
      request_id: 'req_011CZ9EcaUDcBH7UHfrMXgWX',
    },
    expected: E.unavailable(),
  },
  // Source: issue thread anthropics/anthropic-sdk-typescript#616 (status, headers and body as logged)
  {
    id: 'anthropic-529-overloaded',
    provider: 'anthropic',
    protocol: 'anthropic',
    source:
      'issue thread anthropics/anthropic-sdk-typescript#616 (status, headers and body as logged)',
    status: 529,
    headers: {
      ...ANTHROPIC_JSON,
      'request-id': 'req_01RCc7MbLyQNtGKzBTv8VCep',
      'x-should-retry': 'true',
      'cache-control': 'no-store, no-cache',
    },
    body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    expected: E.unavailable(),
  },

  // ───────────────────────────── Gemini / Vertex ─────────────────────────────

  // Source: issue thread continuedev/continue#10290 (ErrorInfo + LocalizedMessage details)
  {
    id: 'gemini-400-api-key-invalid',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread continuedev/continue#10290 (ErrorInfo + LocalizedMessage details)',
    status: 400,
    headers: { ...GOOGLE_JSON },
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
          {
            '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
            locale: 'en-US',
            message: 'API key not valid. Please pass a valid API key.',
          },
        ],
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread gemini-api-php/client#32 (also google-gemini/gemini-cli#1614)
  // Region unsupported: AuthenticationError by the "region unsupported" rule, although the status is 400.
  {
    id: 'gemini-400-failed-precondition-location',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread gemini-api-php/client#32 (also google-gemini/gemini-cli#1614)',
    status: 400,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 400,
        message: 'User location is not supported for the API use.',
        status: 'FAILED_PRECONDITION',
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread iBUHub/AIStudioToAPI#109
  {
    id: 'gemini-403-permission-denied',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread iBUHub/AIStudioToAPI#109',
    status: 403,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 403,
        message: 'The caller does not have permission',
        status: 'PERMISSION_DENIED',
      },
    },
    expected: E.auth(),
  },
  // Source: issue thread wwardaww/gnome-gemini-ai#21
  {
    id: 'gemini-404-model-not-found',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread wwardaww/gnome-gemini-ai#21',
    status: 404,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 404,
        message:
          'models/gemini-1.0-pro is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
        status: 'NOT_FOUND',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread RooCodeInc/Roo-Code#3883 (per-minute QuotaFailure + RetryInfo 26s)
  {
    id: 'gemini-429-per-minute-retry-info',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread RooCodeInc/Roo-Code#3883 (per-minute QuotaFailure + RetryInfo 26s)',
    status: 429,
    headers: { ...GOOGLE_JSON },
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
                quotaMetric:
                  'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
                quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
                quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
                quotaValue: '250000',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Learn more about Gemini API quotas',
                url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '26s' },
        ],
      },
    },
    expected: E.rateLimit(26000),
  },
  // Source: issue thread diegosouzapw/OmniRoute#9504 (PerDay free-tier quota WITH a RetryInfo; quotaDimensions was
  // truncated to "[MaxDepth]" by that logger, restored to the object shape Gemini sends)
  // PerDay quota: QuotaExceededError even though RetryInfo is present; retryAfterMs is still what RetryInfo says.
  {
    id: 'gemini-429-per-day-with-retry-info',
    provider: 'gemini',
    protocol: 'gemini',
    source:
      'issue thread diegosouzapw/OmniRoute#9504 (PerDay free-tier quota WITH a RetryInfo; quotaDimensions was truncated to "[MaxDepth]" by that issue\'s logger, restored to the object shape Gemini sends)',
    status: 429,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 429,
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 20, model: gemini-3.6-flash\nPlease retry in 36.429760048s.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric:
                  'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
                quotaDimensions: { location: 'global', model: 'gemini-3.6-flash' },
                quotaValue: '20',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36s' },
        ],
      },
    },
    expected: E.quota(36000),
  },
  // Source: issue thread google-gemini/gemini-cli#2020 (429 without details: no quota id, no RetryInfo)
  {
    id: 'gemini-429-resource-exhausted-bare',
    provider: 'gemini',
    protocol: 'gemini',
    source:
      'issue thread google-gemini/gemini-cli#2020 (429 without details: no quota id, no RetryInfo)',
    status: 429,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    },
    expected: E.rateLimit(),
  },
  // Source: issue thread google-gemini/gemini-cli#14811 (Vertex AI 429 "Resource exhausted", error-code-429 doc link)
  {
    id: 'gemini-vertex-429-resource-exhausted',
    provider: 'gemini',
    protocol: 'gemini',
    source:
      'issue thread google-gemini/gemini-cli#14811 (Vertex AI 429 "Resource exhausted", error-code-429 doc link)',
    status: 429,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 429,
        message:
          'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.',
        status: 'RESOURCE_EXHAUSTED',
      },
    },
    expected: E.rateLimit(),
  },
  // Source: issue thread PublicAffairs/openai-gemini#15 (also google-gemini/gemini-cli#7586)
  {
    id: 'gemini-500-internal',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread PublicAffairs/openai-gemini#15 (also google-gemini/gemini-cli#7586)',
    status: 500,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 500,
        message:
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        status: 'INTERNAL',
      },
    },
    expected: E.unavailable(),
  },
  // Source: issue thread google-gemini/cookbook#425 (also google-gemini/gemini-cli#12831)
  {
    id: 'gemini-503-model-overloaded',
    provider: 'gemini',
    protocol: 'gemini',
    source: 'issue thread google-gemini/cookbook#425 (also google-gemini/gemini-cli#12831)',
    status: 503,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    },
    expected: E.unavailable(),
  },
  // Source: https://ai.google.dev/gemini-api/docs/troubleshooting (504 DEADLINE_EXCEEDED); message as Vertex/Gemini
  // return it for a request past its deadline (google.rpc.Code DEADLINE_EXCEEDED wording)
  {
    id: 'gemini-504-deadline-exceeded',
    provider: 'gemini',
    protocol: 'gemini',
    source:
      'https://ai.google.dev/gemini-api/docs/troubleshooting (504 DEADLINE_EXCEEDED); message as Vertex/Gemini return it for a request past its deadline (google.rpc.Code DEADLINE_EXCEEDED wording)',
    status: 504,
    headers: { ...GOOGLE_JSON },
    body: {
      error: {
        code: 504,
        message: 'Deadline expired before operation could complete.',
        status: 'DEADLINE_EXCEEDED',
      },
    },
    expected: E.unavailable(),
  },

  // ───────────────────────────── Mistral ─────────────────────────────

  // Source: issue thread coolcline/CoolCline#36
  {
    id: 'mistral-401-unauthorized',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread coolcline/CoolCline#36',
    status: 401,
    headers: { ...MISTRAL_JSON },
    body: { message: 'Unauthorized', request_id: '933f233947ff6d346065bb297e4a4d56' },
    expected: E.auth(),
  },
  // Source: issue thread agent0ai/agent-zero#539 (also nextcloud/integration_openai#332)
  {
    id: 'mistral-401-detail-unauthorized',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread agent0ai/agent-zero#539 (also nextcloud/integration_openai#332)',
    status: 401,
    headers: { 'content-type': 'application/json' },
    body: { detail: 'Unauthorized' },
    expected: E.auth(),
  },
  // Source: issue thread editor-code-assistant/eca#231 (object:error with message.detail[])
  {
    id: 'mistral-422-validation-object-error',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread editor-code-assistant/eca#231 (object:error with message.detail[])',
    status: 422,
    headers: { ...MISTRAL_JSON },
    body: {
      object: 'error',
      message: {
        detail: [
          {
            type: 'extra_forbidden',
            loc: ['body', 'max_completion_tokens'],
            msg: 'Extra inputs are not permitted',
            input: 32000,
          },
        ],
      },
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
    expected: E.invalid(),
  },
  // Source: issue thread Gitlawb/openclaude#739 (HTTPValidationError {"detail":[...]})
  {
    id: 'mistral-422-http-validation-error',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread Gitlawb/openclaude#739 (HTTPValidationError {"detail":[...]})',
    status: 422,
    headers: { 'content-type': 'application/json' },
    body: {
      detail: [
        {
          type: 'extra_forbidden',
          loc: ['body', 'store'],
          msg: 'Extra inputs are not permitted',
          input: false,
        },
        {
          type: 'extra_forbidden',
          loc: ['body', 'max_completion_tokens'],
          msg: 'Extra inputs are not permitted',
          input: 8192,
        },
      ],
    },
    expected: E.invalid(),
  },
  // Source: issue thread solbrowse/extension#16
  {
    id: 'mistral-400-invalid-request',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread solbrowse/extension#16',
    status: 400,
    headers: { ...MISTRAL_JSON },
    body: {
      object: 'error',
      message: 'Assistant message must have either content or tool_calls, but not none.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
    expected: E.invalid(),
  },
  // Source: WorkflowAI/WorkflowAI api/core/providers/mistral/mistral_provider_test.py (test_max_tokens_exceeded_invalid_request); message per https://docs.mistral.ai/resources/known-limitations
  {
    id: 'mistral-400-context-too-long',
    provider: 'mistral',
    protocol: 'mistral',
    source:
      'WorkflowAI/WorkflowAI api/core/providers/mistral/mistral_provider_test.py (test_max_tokens_exceeded_invalid_request); message per https://docs.mistral.ai/resources/known-limitations',
    status: 400,
    headers: { ...MISTRAL_JSON },
    body: {
      message:
        'Prompt contains 40687 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
      type: 'invalid_request_error',
    },
    expected: E.invalid(),
  },
  // Source: issue thread dnakov/anon-kode#53
  {
    id: 'mistral-429-requests-rate-limit',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread dnakov/anon-kode#53',
    status: 429,
    headers: { ...MISTRAL_JSON },
    body: { message: 'Requests rate limit exceeded' },
    expected: E.rateLimit(),
  },
  // Source: issue thread cline/cline#9085 (also raycast/extensions#31107)
  {
    id: 'mistral-429-rate-limited-code-1300',
    provider: 'mistral',
    protocol: 'mistral',
    source: 'issue thread cline/cline#9085 (also raycast/extensions#31107)',
    status: 429,
    headers: { 'content-type': 'application/json' },
    body: {
      object: 'error',
      message: 'Rate limit exceeded',
      type: 'rate_limited',
      param: null,
      code: '1300',
    },
    expected: E.rateLimit(),
  },
  // Source: body from issue thread continuedev/continue#6185; status 503 per pull request thread BerriAI/litellm#25078
  {
    id: 'mistral-503-service-tier-capacity',
    provider: 'mistral',
    protocol: 'mistral',
    source:
      'body from issue thread continuedev/continue#6185; status 503 per pull request thread BerriAI/litellm#25078',
    status: 503,
    headers: { 'content-type': 'application/json' },
    body: {
      object: 'error',
      message: 'Service tier capacity exceeded for this model.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
    expected: E.unavailable(),
  },

  // ───────────────────────────── Groq ─────────────────────────────

  // Source: issue thread ag5826000/resume-commentor#4 (status, headers and body as logged)
  {
    id: 'groq-401-invalid-api-key',
    provider: 'groq',
    protocol: 'openai',
    source: 'issue thread ag5826000/resume-commentor#4 (status, headers and body as logged)',
    status: 401,
    headers: {
      ...GROQ_JSON,
      'x-groq-region': 'us-west-1',
      'x-request-id': 'req_01jngbvsctfy0bmjw87yea904b',
    },
    body: {
      error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
    },
    expected: E.auth(),
  },
  // Source: issue thread lobehub/lobehub#3367
  {
    id: 'groq-404-model-not-found',
    provider: 'groq',
    protocol: 'openai',
    source: 'issue thread lobehub/lobehub#3367',
    status: 404,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message:
          'The model `llama-3.1-405b-reasoning` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        code: 'model_not_found',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread valentinfrlch/ha-llmvision#332 (also atiilla/sqlmap-ai#3)
  {
    id: 'groq-400-model-decommissioned',
    provider: 'groq',
    protocol: 'openai',
    source: 'issue thread valentinfrlch/ha-llmvision#332 (also atiilla/sqlmap-ai#3)',
    status: 400,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message:
          'The model `llama-3.2-11b-vision-preview` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.',
        type: 'invalid_request_error',
        code: 'model_decommissioned',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread thepersonalaicompany/amurex-backend#51 (also OpenHands/OpenHands#1902)
  {
    id: 'groq-400-context-length-exceeded',
    provider: 'groq',
    protocol: 'openai',
    source: 'issue thread thepersonalaicompany/amurex-backend#51 (also OpenHands/OpenHands#1902)',
    status: 400,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message: 'Please reduce the length of the messages or completion.',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread continuedev/continue#10218 (message); shape from issue thread HunorLaczko/ha-groq-cloud-api#27 (413, type tokens, code rate_limit_exceeded)
  // A single request above the TPM limit: InvalidRequestError (413, and it can never succeed as is).
  {
    id: 'groq-413-request-too-large-tpm',
    provider: 'groq',
    protocol: 'openai',
    source:
      'issue thread continuedev/continue#10218 (message); shape from issue thread HunorLaczko/ha-groq-cloud-api#27 (413, type tokens, code rate_limit_exceeded)',
    status: 413,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message:
          'Request too large for model `llama-3.3-70b-versatile` in organization `org_01kgg5588eftc8k70aes4864eb` service tier `on_demand` on tokens per minute (TPM): Limit 12000, Requested 14137, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    },
    expected: E.invalid(),
  },
  // Source: body from issue thread Aider-AI/aider#3265; headers per https://console.groq.com/docs/rate-limits (illustrative values, as quoted in Pythagora-io/gpt-pilot#862)
  {
    id: 'groq-429-rate-limit-tpm',
    provider: 'groq',
    protocol: 'openai',
    source:
      'body from issue thread Aider-AI/aider#3265; headers per https://console.groq.com/docs/rate-limits (illustrative values, as quoted in Pythagora-io/gpt-pilot#862)',
    status: 429,
    headers: {
      ...GROQ_JSON,
      'retry-after': '2',
      'x-ratelimit-limit-requests': '14400',
      'x-ratelimit-limit-tokens': '18000',
      'x-ratelimit-remaining-requests': '14370',
      'x-ratelimit-remaining-tokens': '17997',
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-reset-tokens': '7.66s',
    },
    body: {
      error: {
        message:
          'Rate limit reached for model `gemma2-9b-it` in organization `org_01hrsvc1b8ey0anvbgha0xckf2` service tier `on_demand` on tokens per minute (TPM): Limit 15000, Used 11972, Requested 4351. Please try again in 5.289s. Visit https://console.groq.com/docs/rate-limits for more information.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    },
    expected: E.rateLimit(2000),
  },
  // Source: issue thread continuedev/continue#10920 (tokens per day; no headers in the thread)
  // A 429 rate limit (TPD) on Groq: the PerDay quota rule is Gemini's, so this stays a RateLimitError.
  {
    id: 'groq-429-rate-limit-tpd',
    provider: 'groq',
    protocol: 'openai',
    source: 'issue thread continuedev/continue#10920 (tokens per day; no headers in the thread)',
    status: 429,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message:
          'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01kjh7p9n8f1qs6nz2bz77vy6b` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 97050, Requested 3619. Please try again in 9m38.016s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    },
    expected: E.rateLimit(),
  },
  // Source: https://console.groq.com/docs/errors ("498 Custom: Flex Tier Capacity Exceeded ... You can try again later", error object {message,type})
  // and https://console.groq.com/docs/flex-processing ("fail quickly with status 498 and error capacity_exceeded")
  {
    id: 'groq-498-flex-capacity-exceeded',
    provider: 'groq',
    protocol: 'openai',
    source:
      'https://console.groq.com/docs/errors ("498 Custom: Flex Tier Capacity Exceeded ... You can try again later", error object {message,type}) and https://console.groq.com/docs/flex-processing ("fail quickly with status 498 and error capacity_exceeded")',
    status: 498,
    headers: { ...GROQ_JSON },
    body: {
      error: {
        message:
          "Flex Tier Capacity Exceeded: the flex tier is at capacity and the request won't be processed. You can try again later.",
        type: 'capacity_exceeded',
      },
    },
    expected: E.unavailable(),
  },
  // Source: issue thread nminaya/grammar-nazi-bot#931 (Groq 503 with Envoy's plain-text body)
  {
    id: 'groq-503-upstream-overflow-text',
    provider: 'groq',
    protocol: 'openai',
    source: "issue thread nminaya/grammar-nazi-bot#931 (Groq 503 with Envoy's plain-text body)",
    status: 503,
    headers: { 'content-type': 'text/plain' },
    body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    expected: E.unavailable(),
  },

  // ───────────────────────────── Cohere ─────────────────────────────

  // Source: issue thread swarmauri/swarmauri-sdk#692
  {
    id: 'cohere-400-invalid-request',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'issue thread swarmauri/swarmauri-sdk#692',
    status: 400,
    headers: { ...COHERE_JSON },
    body: { message: 'invalid request: tool use is not supported by the provided model: command.' },
    expected: E.invalid(),
  },
  // Source: https://docs.cohere.com/reference/errors (400 example "too many tokens")
  {
    id: 'cohere-400-too-many-tokens',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'https://docs.cohere.com/reference/errors (400 example "too many tokens")',
    status: 400,
    headers: { ...COHERE_JSON },
    body: {
      message:
        'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292. Try using a shorter prompt, or enabling prompt truncating. See https://docs.cohere.com/reference/generate for more details.',
    },
    expected: E.invalid(),
  },
  // Source: https://docs.cohere.com/reference/errors (401 example "invalid api token")
  {
    id: 'cohere-401-invalid-api-token',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'https://docs.cohere.com/reference/errors (401 example "invalid api token")',
    status: 401,
    headers: { ...COHERE_JSON },
    body: { message: 'invalid api token' },
    expected: E.auth(),
  },
  // Source: https://docs.cohere.com/reference/errors (402 Payment Required example)
  {
    id: 'cohere-402-payment-required',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'https://docs.cohere.com/reference/errors (402 Payment Required example)',
    status: 402,
    headers: { ...COHERE_JSON },
    body: {
      message:
        'Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue',
    },
    expected: E.quota(),
  },
  // Source: https://docs.cohere.com/reference/errors (404 example)
  {
    id: 'cohere-404-model-not-found',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'https://docs.cohere.com/reference/errors (404 example)',
    status: 404,
    headers: { ...COHERE_JSON },
    body: {
      message:
        "model 'xyz' not found, make sure the correct model ID was used and that you have access to the model.",
    },
    expected: E.invalid(),
  },
  // Source: issue thread cohere-ai/notebooks#237 (also langchain-ai/langchain-cohere#105)
  {
    id: 'cohere-422-unprocessable',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'issue thread cohere-ai/notebooks#237 (also langchain-ai/langchain-cohere#105)',
    status: 422,
    headers: { ...COHERE_JSON },
    body: { message: 'No valid tool call or response generated' },
    expected: E.invalid(),
  },
  // Source: https://docs.cohere.com/reference/errors (429 example, Trial key per-minute limit)
  {
    id: 'cohere-429-trial-per-minute',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'https://docs.cohere.com/reference/errors (429 example, Trial key per-minute limit)',
    status: 429,
    headers: { ...COHERE_JSON },
    body: {
      message:
        "You are using a Trial key, which is limited to 40 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at support@cohere.com with any questions",
    },
    expected: E.rateLimit(),
  },
  // Source: Trial monthly cap per pull request thread cohere-ai/cohere-developer-experience#199 (1,000 calls/month);
  // verbatim 429 body with "id" as captured in public SDK-client test fixtures
  // Free-trial allowance exhausted for the month: QuotaExceededError although it is a 429.
  {
    id: 'cohere-429-trial-monthly-exhausted',
    provider: 'cohere',
    protocol: 'cohere',
    source:
      'Trial monthly cap per pull request thread cohere-ai/cohere-developer-experience#199 (1,000 calls/month); verbatim 429 body with "id" as captured in public SDK-client test fixtures',
    status: 429,
    headers: { ...COHERE_JSON },
    body: {
      id: '24e32f6d-b372-4853-85f2-11e65134f032',
      message: 'You are using a Trial key, which is limited to 1000 API calls / month.',
    },
    expected: E.quota(),
  },
  // Source: https://docs.cohere.com/reference/errors (499 Request Cancelled: "try the request again")
  // Not in the rules: nearest is 408 (the request did not complete; Cohere says retry), so ProviderUnavailableError.
  {
    id: 'cohere-499-request-cancelled',
    provider: 'cohere',
    protocol: 'cohere',
    source:
      'https://docs.cohere.com/reference/errors (499 Request Cancelled: "try the request again")',
    status: 499,
    headers: { ...COHERE_JSON },
    body: { message: 'request cancelled' },
    expected: E.unavailable(),
  },
  // Source: issue thread cohere-ai/cohere-python#476 (also cohere-ai/cohere-python#563)
  {
    id: 'cohere-500-internal-server-error',
    provider: 'cohere',
    protocol: 'cohere',
    source: 'issue thread cohere-ai/cohere-python#476 (also cohere-ai/cohere-python#563)',
    status: 500,
    headers: { ...COHERE_JSON },
    body: {
      message:
        'internal server error, this has been reported to our developers. id 4a71da75-7a5d-433d-adc8-3b46fdbafafe',
    },
    expected: E.unavailable(),
  },

  // ───────────────────────────── OpenRouter ─────────────────────────────

  // Source: issue thread RightNow-AI/openfang#100
  {
    id: 'openrouter-400-invalid-model-id',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread RightNow-AI/openfang#100',
    status: 400,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: { message: 'openrouter/google/gemini-2.5-flash is not a valid model ID', code: 400 },
    },
    expected: E.invalid(),
  },
  // Source: pull request thread reVrost/go-openrouter#21 (400 "Provider returned error" with metadata.raw)
  {
    id: 'openrouter-400-provider-returned-error',
    provider: 'openrouter',
    protocol: 'openai',
    source:
      'pull request thread reVrost/go-openrouter#21 (400 "Provider returned error" with metadata.raw)',
    status: 400,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message: 'Provider returned error',
        code: 400,
        metadata: {
          raw: '{\n  "error": {\n    "message": "Response input messages must contain the word \'json\' in some form to use \'text.format\' of type \'json_object\'.",\n    "type": "invalid_request_error",\n    "param": "input",\n    "code": null\n  }\n}',
          provider_name: 'OpenAI',
        },
      },
      user_id: 'org_2x0000000000000000000000f5',
    },
    expected: E.invalid(),
  },
  // Source: issue thread musistudio/claude-code-router#227 (also RooCodeInc/Roo-Code#2445)
  {
    id: 'openrouter-401-no-auth-credentials',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread musistudio/claude-code-router#227 (also RooCodeInc/Roo-Code#2445)',
    status: 401,
    headers: { ...OPENROUTER_JSON },
    body: { error: { message: 'No auth credentials found', code: 401 } },
    expected: E.auth(),
  },
  // Source: issue thread Fosowl/agenticSeek#407 (also anomalyco/opencode#14252)
  {
    id: 'openrouter-401-user-not-found',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread Fosowl/agenticSeek#407 (also anomalyco/opencode#14252)',
    status: 401,
    headers: { ...OPENROUTER_JSON },
    body: { error: { message: 'User not found.', code: 401 } },
    expected: E.auth(),
  },
  // Source: issue thread open-assistant-org/open-assistant#80 (402 with metadata.limit_source)
  {
    id: 'openrouter-402-insufficient-credits',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread open-assistant-org/open-assistant#80 (402 with metadata.limit_source)',
    status: 402,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
        code: 402,
        metadata: {
          limit_source: 'openrouter_credits',
          remedy_hint:
            'Add credits at https://openrouter.ai/settings/credits, or lower max_tokens / prompt size to fit your remaining balance.',
        },
      },
    },
    expected: E.quota(),
  },
  // Source: issue thread continuedev/continue#10298 (also QwenLM/qwen-code#73)
  {
    id: 'openrouter-402-requires-more-credits',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread continuedev/continue#10298 (also QwenLM/qwen-code#73)',
    status: 402,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message:
          'This request requires more credits, or fewer max_tokens. You requested up to 4096 tokens, but can only afford 4000. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account',
        code: 402,
      },
    },
    expected: E.quota(),
  },
  // Source: https://openrouter.ai/docs/api/reference/errors-and-debugging (403 + ModerationErrorMetadata: reasons,
  // flagged_input, provider_name, model_slug); message wording as OpenRouter returns it, seen in public client tests
  // ("... requires moderation on OpenInference. Your input was flagged for \"violence/graphic\". No credits were charged.")
  {
    id: 'openrouter-403-moderation-flagged',
    provider: 'openrouter',
    protocol: 'openai',
    source:
      'https://openrouter.ai/docs/api/reference/errors-and-debugging (403 + ModerationErrorMetadata: reasons, flagged_input, provider_name, model_slug); message wording as OpenRouter returns it, seen in public client tests',
    status: 403,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        code: 403,
        message:
          'minimax/minimax-m2.5-20260211:free requires moderation on OpenInference. Your input was flagged for "violence/graphic". No credits were charged.',
        metadata: {
          reasons: ['violence/graphic'],
          flagged_input: '...',
          provider_name: 'OpenInference',
          model_slug: 'minimax/minimax-m2.5-20260211:free',
        },
      },
    },
    expected: E.filtered(),
  },
  // Source: issue thread farion1231/cc-switch#995 (also agent0ai/agent-zero#1255)
  {
    id: 'openrouter-404-no-allowed-providers',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread farion1231/cc-switch#995 (also agent0ai/agent-zero#1255)',
    status: 404,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message: 'No allowed providers are available for the selected model.',
        code: 404,
        metadata: { available_providers: ['z-ai'], requested_providers: ['anthropic'] },
      },
    },
    expected: E.invalid(),
  },
  // Source: https://openrouter.ai/docs/api/reference/errors-and-debugging (ErrorResponse shape; "408: Your request timed out")
  {
    id: 'openrouter-408-timeout',
    provider: 'openrouter',
    protocol: 'openai',
    source:
      'https://openrouter.ai/docs/api/reference/errors-and-debugging (ErrorResponse shape; "408: Your request timed out")',
    status: 408,
    headers: { ...OPENROUTER_JSON },
    body: { error: { code: 408, message: 'Your request timed out' } },
    expected: E.unavailable(),
  },
  // Source: issue thread open-webui/computer#293 (429 upstream rate limit with metadata.raw)
  {
    id: 'openrouter-429-upstream-rate-limited',
    provider: 'openrouter',
    protocol: 'openai',
    source: 'issue thread open-webui/computer#293 (429 upstream rate limit with metadata.raw)',
    status: 429,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message: 'Provider returned error',
        code: 429,
        metadata: {
          raw: 'z-ai/glm-5.3-flash is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations',
          provider_name: 'BaseTen',
          limit_source: 'upstream_provider_shared_pool',
          remedy_hint: 'Retry shortly, add your own provider key, or route to another provider',
        },
      },
    },
    expected: E.rateLimit(),
  },
  // Source: issue thread cline/cline#5449 (error object with code 502, metadata.raw and metadata.provider_name)
  {
    id: 'openrouter-502-provider-error',
    provider: 'openrouter',
    protocol: 'openai',
    source:
      'issue thread cline/cline#5449 (error object with code 502, metadata.raw and metadata.provider_name)',
    status: 502,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message:
          'Upstream error from AtlasCloud: Unexpected token 173781 while expecting start token 200006',
        code: 502,
        metadata: {
          raw: {
            object: 'error',
            message: 'Unexpected token 173781 while expecting start token 200006',
            type: 'BadRequestError',
            param: null,
            code: 400,
          },
          provider_name: 'AtlasCloud',
        },
      },
    },
    expected: E.unavailable(),
  },
  // Source: pull request thread truefoundry/models#868 (OpenRouter 503 "Provider returned error", metadata as relayed there);
  // https://openrouter.ai/docs/api/reference/errors-and-debugging ("503: There is no available model provider that meets your routing requirements")
  {
    id: 'openrouter-503-no-available-provider',
    provider: 'openrouter',
    protocol: 'openai',
    source:
      'pull request thread truefoundry/models#868 (OpenRouter 503 "Provider returned error", metadata as relayed there); https://openrouter.ai/docs/api/reference/errors-and-debugging ("503: There is no available model provider that meets your routing requirements")',
    status: 503,
    headers: { ...OPENROUTER_JSON },
    body: {
      error: {
        message: 'Provider returned error',
        code: 503,
        metadata: {
          raw: {
            error: {
              type: 'Service Unavailable',
              code: 'no_available_workers',
              message: 'No available workers (all circuits open or unhealthy)',
            },
          },
          provider_name: 'Morph',
          is_byok: false,
        },
      },
    },
    expected: E.unavailable(),
  },

  // ───────────────────────────── Ollama ─────────────────────────────

  // Source: ollama/ollama server/routes.go (c.JSON(404, gin.H{"error": fmt.Sprintf("model %q not found, try pulling it first", name)}))
  {
    id: 'ollama-404-model-not-found-native',
    provider: 'ollama',
    protocol: 'ollama',
    source:
      'ollama/ollama server/routes.go (c.JSON(404, gin.H{"error": fmt.Sprintf("model %q not found, try pulling it first", name)}))',
    status: 404,
    headers: { ...OLLAMA_NATIVE_JSON },
    body: { error: 'model "llama9" not found, try pulling it first' },
    expected: E.invalid(),
  },
  // Source: ollama/ollama openai/openai.go (NewError: 404 -> type "not_found_error", param/code null); body as returned
  // by /v1/chat/completions in public transcripts
  {
    id: 'ollama-404-model-not-found-v1',
    provider: 'ollama',
    protocol: 'openai',
    source:
      'ollama/ollama openai/openai.go (NewError: 404 -> type "not_found_error", param/code null); body as returned by /v1/chat/completions in public transcripts',
    status: 404,
    headers: { ...OLLAMA_V1_JSON },
    body: {
      error: {
        message: "model 'llama9' not found",
        type: 'not_found_error',
        param: null,
        code: null,
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread ollama/ollama#14795
  {
    id: 'ollama-400-does-not-support-tools-native',
    provider: 'ollama',
    protocol: 'ollama',
    source: 'issue thread ollama/ollama#14795',
    status: 400,
    headers: { ...OLLAMA_NATIVE_JSON },
    body: { error: 'registry.ollama.ai/library/Qwen3.5:0.8b does not support tools' },
    expected: E.invalid(),
  },
  // Source: issue thread tinyhumansai/openhuman#2787 (/v1 400, type invalid_request_error per openai/openai.go NewError)
  {
    id: 'ollama-400-does-not-support-tools-v1',
    provider: 'ollama',
    protocol: 'openai',
    source:
      'issue thread tinyhumansai/openhuman#2787 (/v1 400, type invalid_request_error per openai/openai.go NewError)',
    status: 400,
    headers: { ...OLLAMA_V1_JSON },
    body: {
      error: {
        message: 'registry.ollama.ai/library/gemma3:1b-it-qat does not support tools',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    },
    expected: E.invalid(),
  },
  // Source: issue thread continuedev/continue#12689 (also continuedev/continue#11478); 500 from the native API
  {
    id: 'ollama-500-out-of-memory',
    provider: 'ollama',
    protocol: 'ollama',
    source:
      'issue thread continuedev/continue#12689 (also continuedev/continue#11478); 500 from the native API',
    status: 500,
    headers: { ...OLLAMA_NATIVE_JSON },
    body: { error: 'model requires more system memory (5.3 GiB) than is available (4.4 GiB)' },
    expected: E.unavailable(),
  },
  // Source: issue thread ollama/ollama#8770 (also ollama/ollama#11713: "500 Internal Server Error: llama runner process has terminated")
  {
    id: 'ollama-500-runner-terminated',
    provider: 'ollama',
    protocol: 'ollama',
    source:
      'issue thread ollama/ollama#8770 (also ollama/ollama#11713: "500 Internal Server Error: llama runner process has terminated")',
    status: 500,
    headers: { ...OLLAMA_NATIVE_JSON },
    body: { error: 'llama runner process has terminated: exit status 2' },
    expected: E.unavailable(),
  },
  // Source: issue thread ollama/ollama#15934 (503 from an Ollama cloud model through the local server)
  {
    id: 'ollama-503-server-overloaded',
    provider: 'ollama',
    protocol: 'ollama',
    source:
      'issue thread ollama/ollama#15934 (503 from an Ollama cloud model through the local server)',
    status: 503,
    headers: { ...OLLAMA_NATIVE_JSON },
    body: {
      error: 'Server overloaded, please retry shortly (ref: aaa65c70-cfa0-446b-86f1-4ab0e2deb9e4)',
    },
    expected: E.unavailable(),
  },
];
