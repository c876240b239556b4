import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { classifyError } from './classify-error.js';
import type { LocalAgentError } from './local-agent-error.js';
import { maskDetails } from './mask.js';

/** Receives every reported error, already classified and masked (Sentry, a metrics counter, a test). */
export type ErrorReporter = (
  error: LocalAgentError,
  attributes: Readonly<Attributes>,
) => void | Promise<void>;

// Kept on globalThis so that every copy of this package in a process shares the reporters, as
// OpenTelemetry's API shares its global tracer provider.
const REGISTRY = Symbol.for('localagent.errorReporters');
type WithRegistry = { [REGISTRY]?: Set<ErrorReporter> };

function reporters(): Set<ErrorReporter> {
  const holder = globalThis as WithRegistry;
  holder[REGISTRY] ??= new Set();
  return holder[REGISTRY];
}

/** Registers `reporter` for every `reportError` call; returns the function that unregisters it. */
export function addErrorReporter(reporter: ErrorReporter): () => void {
  const set = reporters();
  set.add(reporter);
  return () => {
    set.delete(reporter);
  };
}

/**
 * The monitoring hook: classifies `error`, hands it to every registered reporter (one that throws
 * or rejects does not stop the others) and records it on the active OpenTelemetry span, if any.
 * Returns the classified error.
 */
export function reportError(error: unknown, attributes: Attributes = {}): LocalAgentError {
  const provider = typeof attributes['provider'] === 'string' ? attributes['provider'] : undefined;
  const err = classifyError(error, { provider });
  const attrs: Attributes = {
    ...maskDetails(attributes),
    'error.type': err.name,
    'error.code': err.code,
    'error.category': err.category,
    'error.retryable': err.retryable,
  };
  for (const reporter of [...reporters()]) {
    try {
      const result = reporter(err, attrs);
      if (result !== undefined && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch(() => undefined);
      }
    } catch {
      // a broken reporter must not hide the error from the others, nor replace it
    }
  }
  const span = trace.getActiveSpan();
  if (span !== undefined) {
    // name (not code) so the SDK's exception.type is the class; the code is an attribute
    span.recordException(
      err.stack === undefined
        ? { name: err.name, message: err.message }
        : { name: err.name, message: err.message, stack: err.stack },
    );
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttributes(attrs);
  }
  return err;
}
