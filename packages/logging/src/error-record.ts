import { LocalAgentError } from '@localagent/errors';

/** How an error appears in a log line. Text is masked later, with the rest of the record. */
export interface ErrorRecord {
  name: string;
  code?: string;
  category?: string;
  message: string;
  stack?: string;
  cause?: ErrorRecord;
}

const MAX_CAUSE_DEPTH = 3;

/** Turns anything thrown into an {@link ErrorRecord}; the stack only when `stack` is true. */
export function toErrorRecord(error: unknown, stack: boolean, depth = 0): ErrorRecord {
  if (!(error instanceof Error) && !LocalAgentError.isInstance(error)) {
    return { name: 'NonError', message: typeof error === 'string' ? error : safeString(error) };
  }
  const record: ErrorRecord = { name: error.name, message: error.message };
  if (LocalAgentError.isInstance(error)) {
    record.code = error.code;
    record.category = error.category;
  } else {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') record.code = String(code);
  }
  if (stack && typeof error.stack === 'string') record.stack = error.stack;
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) record.cause = toErrorRecord(error.cause, stack, depth + 1);
  return record;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
