import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** Fields every line logged inside {@link withContext} carries. */
export interface LogContext {
  requestId?: string;
  [key: string]: unknown;
}

const STORAGE_KEY = Symbol.for('localagent.logging.context');
const holder = globalThis as typeof globalThis & {
  [STORAGE_KEY]?: AsyncLocalStorage<Readonly<LogContext>>;
};
// shared by the ESM and CJS builds, like the secret registry
const storage: AsyncLocalStorage<Readonly<LogContext>> = (holder[STORAGE_KEY] ??=
  new AsyncLocalStorage());

const EMPTY: Readonly<LogContext> = Object.freeze({});

/**
 * Runs `fn` with `context` added to the current context (inner values win); every line logged
 * inside, across awaits, timers and promise chains, carries it.
 */
export function withContext<T>(context: LogContext, fn: () => T): T {
  const current = storage.getStore();
  return storage.run(
    Object.freeze(current === undefined ? { ...context } : { ...current, ...context }),
    fn,
  );
}

/** The context of the code running now (empty outside {@link withContext}). */
export function getContext(): Readonly<LogContext> {
  return storage.getStore() ?? EMPTY;
}

/** A fresh request id (a random UUID). */
export function newRequestId(): string {
  return randomUUID();
}

export interface TraceIds {
  trace_id: string;
  span_id: string;
}

/** The active OpenTelemetry span's ids, when one is active and valid. */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : undefined;
}
