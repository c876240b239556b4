import { context, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { installContextManager } from '../../../../test-support/otel-context';

export { installContextManager };

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID = 'b7ad6b7169203331';

/** Runs `fn` with a span (trace id {@link TRACE_ID}, span id {@link SPAN_ID}) active. */
export function inSpan<T>(fn: () => T): T {
  installContextManager();
  const span: Span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  return context.with(trace.setSpan(context.active(), span), fn);
}
