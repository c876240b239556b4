import { classifyError } from '@localagent/errors';

/** How an error appears in a log line. Text is masked later, with the rest of the record. */
export interface ErrorRecord {
  name: string;
  /** The LocalAgent error code (`LA_…`) from @localagent/errors' classification. */
  code: string;
  category: string;
  message: string;
  stack?: string;
  cause?: ErrorRecord;
}

const MAX_CAUSE_DEPTH = 3;

/**
 * Turns anything thrown into an {@link ErrorRecord}: name and message of the error itself, code
 * and category from `classifyError`; the stack only when `stack` is true.
 */
export function toErrorRecord(error: unknown, stack: boolean, depth = 0): ErrorRecord {
  const classified = classifyError(error);
  const isObject = typeof error === 'object' && error !== null;
  const own = isObject
    ? (error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown })
    : {};
  const record: ErrorRecord = {
    name: typeof own.name === 'string' ? own.name : isObject ? classified.name : 'NonError',
    code: classified.code,
    category: classified.category,
    message: typeof own.message === 'string' ? own.message : classified.message,
  };
  if (stack && typeof own.stack === 'string') record.stack = own.stack;
  if (own.cause !== undefined && depth < MAX_CAUSE_DEPTH)
    record.cause = toErrorRecord(own.cause, stack, depth + 1);
  return record;
}
