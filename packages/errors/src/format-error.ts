import { classifyError } from './classify-error.js';
import { LocalAgentError } from './local-agent-error.js';
import { maskDetails, maskSecrets } from './mask.js';
import { isErrorLike } from './is-error-like.js';

export interface FormatErrorOptions {
  /** Add the stack, details and cause chain. Defaults to `LOCALAGENT_DEBUG=1` in `env`; an explicit value wins. */
  debug?: boolean | undefined;
  /** Where to read LOCALAGENT_DEBUG; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/** A cause chain longer than this is cut (and a cycle stops it sooner). */
const MAX_CAUSES = 10;

function describeCause(cause: unknown): string {
  if (LocalAgentError.isInstance(cause))
    return `${cause.stack ?? `${cause.name}: ${cause.message}`} [${cause.code}]`;
  if (isErrorLike(cause)) {
    const code = (cause as { code?: unknown }).code;
    const text = cause.stack ?? `${cause.name}: ${cause.message}`;
    return typeof code === 'string' || typeof code === 'number' ? `${text} [${code}]` : text;
  }
  try {
    return JSON.stringify(maskDetails(cause)) ?? String(cause);
  } catch {
    return String(cause);
  }
}

/**
 * The human text for any error, as the CLI prints it: what happened (message and code) and what
 * to do (suggestion). With debug on, also the details, the stack and the cause chain. Always masked.
 */
export function formatError(error: unknown, options: FormatErrorOptions = {}): string {
  const err = classifyError(error);
  const env = options.env ?? process.env;
  const debug = options.debug ?? env['LOCALAGENT_DEBUG'] === '1';
  const lines = [`Error [${err.code}]: ${err.message}`];
  if (err.suggestion !== undefined) lines.push(`What to do: ${err.suggestion}`);
  if (!debug) return lines.join('\n');
  lines.push(`Category: ${err.category}; ${err.retryable ? 'retryable' : 'not retryable'}`);
  if (Object.keys(err.details).length > 0) lines.push(`Details: ${JSON.stringify(err.details)}`);
  if (err.stack !== undefined) lines.push('', err.stack);
  const seen = new Set<unknown>([err]);
  let cause: unknown = err.cause;
  for (
    let depth = 0;
    cause !== undefined && cause !== null && depth < MAX_CAUSES && !seen.has(cause);
    depth += 1
  ) {
    seen.add(cause);
    lines.push('', `Caused by: ${describeCause(cause)}`);
    cause = isErrorLike(cause) ? cause.cause : undefined;
  }
  return maskSecrets(lines.join('\n'));
}
