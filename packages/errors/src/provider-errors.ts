import { LocalAgentError, type LocalAgentErrorOptions } from './local-agent-error.js';
import { maskSecrets } from './mask.js';

type Defaults = Partial<Pick<LocalAgentErrorOptions, 'code' | 'category' | 'suggestion'>>;

export interface ProviderErrorOptions extends LocalAgentErrorOptions {
  provider: string;
  status?: number | undefined;
  requestId?: string | undefined;
  /** The provider's own error code or type, e.g. `insufficient_quota`, `overloaded_error`. */
  providerCode?: string | undefined;
  /** How long the provider asked us to wait, from retry-after-ms / retry-after / RetryInfo. */
  retryAfterMs?: number | undefined;
}

function withDefaults<O extends LocalAgentErrorOptions>(options: O, defaults: Defaults): O {
  return {
    ...options,
    code: options.code ?? defaults.code,
    category: options.category ?? defaults.category,
    suggestion: options.suggestion ?? defaults.suggestion,
  };
}

/** Copy of `record` without its undefined values. */
function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** A failure reported by (or on the way to) an LLM provider. */
export class ProviderError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.ProviderError');
  declare private readonly nominalProviderError: never;
  readonly provider: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly providerCode: string | undefined;
  /** Set when the provider said how long to wait (any status, not only 429). */
  readonly retryAfterMs: number | undefined;

  constructor(options: ProviderErrorOptions, defaults: Defaults = {}) {
    const requestId = options.requestId === undefined ? undefined : maskSecrets(options.requestId);
    const providerCode =
      options.providerCode === undefined ? undefined : maskSecrets(options.providerCode);
    // copied into details so that toJSON() and logs carry them too
    const details = defined({
      provider: options.provider,
      status: options.status,
      requestId,
      providerCode,
      retryAfterMs: options.retryAfterMs,
      ...options.details,
    });
    super(
      withDefaults(
        { ...options, details },
        { code: 'LA_PROVIDER_ERROR', category: 'permanent', ...defaults },
      ),
    );
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = requestId;
    this.providerCode = providerCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 401/403: the key is invalid, revoked or lacks permission. */
export class AuthenticationError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.AuthenticationError');
  declare private readonly nominalAuthenticationError: never;
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_AUTH_FAILED',
      category: 'user',
      suggestion: `Check the ${options.provider} API key: run \`localagent config set-key ${options.provider}\` to store a valid one.`,
    });
  }
}

export type RateLimitErrorOptions = ProviderErrorOptions;

/** 429 rate limit: slow down and retry. */
export class RateLimitError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.RateLimitError');
  declare private readonly nominalRateLimitError: never;
  constructor(options: RateLimitErrorOptions) {
    super(options, {
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      suggestion:
        options.retryAfterMs === undefined
          ? 'Wait a moment and retry; reduce request concurrency if this keeps happening.'
          : `Retry after ${Math.ceil(options.retryAfterMs / 1000)} s; reduce request concurrency if this keeps happening.`,
    });
  }
}

/** Quota or billing exhausted (e.g. OpenAI 429 `insufficient_quota`): not a rate limit, retrying will not help. */
export class QuotaExceededError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.QuotaExceededError');
  declare private readonly nominalQuotaExceededError: never;
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_QUOTA_EXCEEDED',
      category: 'user',
      suggestion: `Check the plan and billing of your ${options.provider} account, or switch to another provider.`,
    });
  }
}

/** 5xx or Anthropic 529: the provider is down or overloaded. */
export class ProviderUnavailableError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for(
    'localagent.error.ProviderUnavailableError',
  );
  declare private readonly nominalProviderUnavailableError: never;
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_PROVIDER_UNAVAILABLE',
      category: 'transient',
      suggestion: `${options.provider} is unavailable or overloaded; retry later or fail over to another provider.`,
    });
  }
}

/** A 4xx that the request itself caused (bad parameters, unknown model, content too long). */
export class InvalidRequestError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.InvalidRequestError');
  declare private readonly nominalInvalidRequestError: never;
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_INVALID_REQUEST',
      category: 'permanent',
      suggestion:
        'Fix the request (model name, parameters, input size); sending it again unchanged will fail again.',
    });
  }
}

/**
 * The provider's safety system refused the prompt or the completion (Azure `content_filter`,
 * OpenAI `finish_reason: content_filter`): the user must change the input.
 */
export class ContentFilteredError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.ContentFilteredError');
  declare private readonly nominalContentFilteredError: never;
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_CONTENT_FILTERED',
      category: 'user',
      suggestion:
        "Rephrase the input: the provider's content filter refused it; retrying it unchanged will be refused again.",
    });
  }
}

export interface NetworkErrorOptions extends LocalAgentErrorOptions {
  provider?: string | undefined;
}

/** The provider could not be reached: connection reset or refused, DNS failure. */
export class NetworkError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.NetworkError');
  declare private readonly nominalNetworkError: never;
  readonly provider: string | undefined;
  constructor(options: NetworkErrorOptions, defaults: Defaults = {}) {
    const details =
      options.provider === undefined
        ? options.details
        : { provider: options.provider, ...options.details };
    super(
      withDefaults(
        { ...options, details },
        {
          code: 'LA_NETWORK',
          category: 'transient',
          suggestion: 'Check your network connection (and proxy settings), then retry.',
          ...defaults,
        },
      ),
    );
    this.provider = options.provider;
  }
}

/** The call took longer than allowed. */
export class TimeoutError extends NetworkError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.TimeoutError');
  declare private readonly nominalTimeoutError: never;
  constructor(options: NetworkErrorOptions) {
    super(options, {
      code: 'LA_TIMEOUT',
      suggestion:
        'Retry; if it keeps timing out, raise the timeout or check the provider status page.',
    });
  }
}

export interface CircuitOpenErrorOptions extends Omit<LocalAgentErrorOptions, 'message'> {
  message?: string | undefined;
  provider: string;
  retryAfterMs: number;
}

/** The provider's circuit breaker is open: calls fail fast until it half-opens. */
export class CircuitOpenError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.CircuitOpenError');
  declare private readonly nominalCircuitOpenError: never;
  readonly provider: string;
  readonly retryAfterMs: number;
  constructor(options: CircuitOpenErrorOptions) {
    super(
      withDefaults(
        {
          ...options,
          message:
            options.message ??
            `${options.provider} failed repeatedly; calls are paused for ${Math.ceil(options.retryAfterMs / 1000)} s`,
          details: {
            provider: options.provider,
            retryAfterMs: options.retryAfterMs,
            ...options.details,
          },
        },
        {
          code: 'LA_CIRCUIT_OPEN',
          category: 'transient',
          suggestion: `Wait ${Math.ceil(options.retryAfterMs / 1000)} s or use another provider; the circuit closes after a successful probe.`,
        },
      ),
    );
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
  }
}
