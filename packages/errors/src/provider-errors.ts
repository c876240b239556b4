import { LocalAgentError, type LocalAgentErrorOptions } from './local-agent-error.js';

type Defaults = Partial<Pick<LocalAgentErrorOptions, 'code' | 'category' | 'suggestion'>>;

export interface ProviderErrorOptions extends LocalAgentErrorOptions {
  provider: string;
  status?: number | undefined;
  requestId?: string | undefined;
  /** The provider's own error code or type, e.g. `insufficient_quota`, `overloaded_error`. */
  providerCode?: string | undefined;
}

function withDefaults<O extends LocalAgentErrorOptions>(options: O, defaults: Defaults): O {
  return {
    ...options,
    code: options.code ?? defaults.code,
    category: options.category ?? defaults.category,
    suggestion: options.suggestion ?? defaults.suggestion,
  };
}

/** A failure reported by (or on the way to) an LLM provider. */
export class ProviderError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.ProviderError');
  readonly provider: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly providerCode: string | undefined;

  constructor(options: ProviderErrorOptions, defaults: Defaults = {}) {
    super(withDefaults(options, { code: 'LA_PROVIDER_ERROR', category: 'permanent', ...defaults }));
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = options.requestId;
    this.providerCode = options.providerCode;
  }
}

/** 401/403: the key is invalid, revoked or lacks permission. */
export class AuthenticationError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.AuthenticationError');
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_AUTH_FAILED',
      category: 'user',
      suggestion: `Check the ${options.provider} API key: run \`localagent config set-key ${options.provider}\` to store a valid one.`,
    });
  }
}

export interface RateLimitErrorOptions extends ProviderErrorOptions {
  /** How long the provider asked us to wait, from retry-after-ms / retry-after / RetryInfo. */
  retryAfterMs?: number | undefined;
}

/** 429 rate limit: slow down and retry. */
export class RateLimitError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.RateLimitError');
  readonly retryAfterMs: number | undefined;
  constructor(options: RateLimitErrorOptions) {
    super(options, {
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      suggestion:
        options.retryAfterMs === undefined
          ? 'Wait a moment and retry; reduce request concurrency if this keeps happening.'
          : `Retry after ${Math.ceil(options.retryAfterMs / 1000)} s; reduce request concurrency if this keeps happening.`,
    });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Quota or billing exhausted (e.g. OpenAI 429 `insufficient_quota`): not a rate limit, retrying will not help. */
export class QuotaExceededError extends ProviderError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.QuotaExceededError');
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
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.ProviderUnavailableError');
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
  constructor(options: ProviderErrorOptions) {
    super(options, {
      code: 'LA_INVALID_REQUEST',
      category: 'permanent',
      suggestion: 'Fix the request (model name, parameters, input size); sending it again unchanged will fail again.',
    });
  }
}

export interface NetworkErrorOptions extends LocalAgentErrorOptions {
  provider?: string | undefined;
}

/** The provider could not be reached: connection reset or refused, DNS failure. */
export class NetworkError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.NetworkError');
  readonly provider: string | undefined;
  constructor(options: NetworkErrorOptions, defaults: Defaults = {}) {
    super(
      withDefaults(options, {
        code: 'LA_NETWORK',
        category: 'transient',
        suggestion: 'Check your network connection (and proxy settings), then retry.',
        ...defaults,
      }),
    );
    this.provider = options.provider;
  }
}

/** The call took longer than allowed. */
export class TimeoutError extends NetworkError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.TimeoutError');
  constructor(options: NetworkErrorOptions) {
    super(options, {
      code: 'LA_TIMEOUT',
      suggestion: 'Retry; if it keeps timing out, raise the timeout or check the provider status page.',
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
          details: { provider: options.provider, retryAfterMs: options.retryAfterMs, ...options.details },
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
