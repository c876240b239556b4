import { LocalAgentError, type LocalAgentErrorOptions } from './local-agent-error.js';

/**
 * The caller cancelled the operation (an `AbortSignal` fired). Not a provider failure and not
 * retryable: retrying would override the caller's decision.
 */
export class AbortedError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.AbortedError');
  declare private readonly nominalAbortedError: never;
  constructor(options: LocalAgentErrorOptions) {
    super({
      ...options,
      code: options.code ?? 'LA_ABORTED',
      category: options.category ?? 'user',
      suggestion:
        options.suggestion ??
        'The operation was cancelled by its caller; run it again if that was not intended.',
    });
  }
}
