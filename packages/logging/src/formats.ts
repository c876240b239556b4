import { ecsFields, ecsStringify } from '@elastic/ecs-winston-format';
import type { ErrorRecord } from './error-record.js';
import type { LogFormat } from './format-names.js';

/** winston's (triple-beam's) key for the finished line. */
export const MESSAGE = Symbol.for('message');

export { LOG_FORMATS, type LogFormat } from './format-names.js';

/** One masked log line before it is written: the JSON format's shape. */
export interface LogRecord {
  timestamp: string;
  level: string;
  message: string;
  service?: string;
  requestId?: string;
  trace_id?: string;
  span_id?: string;
  error?: ErrorRecord;
  duration_ms?: number;
  [field: string]: unknown;
}

/** Turns a masked record into one line of text (no end-of-line). */
export type LineFormatter = (record: LogRecord) => string;

export function createFormatter(format: LogFormat, service: string | undefined): LineFormatter {
  switch (format) {
    case 'json':
      return stringify;
    case 'pretty':
      return pretty;
    case 'ecs':
      return ecs(service);
    case 'datadog':
      return datadog;
  }
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // a getter or toJSON that throws must not lose the line
    const record = value as LogRecord;
    return JSON.stringify({
      timestamp: record.timestamp,
      level: record.level,
      message: record.message,
      logging_error: String(error),
    });
  }
}

function ecs(service: string | undefined): LineFormatter {
  const fields = ecsFields({
    convertErr: false,
    apmIntegration: false,
    ...(service === undefined ? {} : { serviceName: service }),
  });
  const toLine = ecsStringify();
  return (record) => {
    const {
      timestamp,
      level,
      message,
      service: _service,
      trace_id,
      span_id,
      error,
      ...rest
    } = record;
    const info: Record<string | symbol, unknown> & { level: string; message: string } = {
      level,
      message,
      ...rest,
    };
    fields.transform(info, fields.options);
    info['@timestamp'] = timestamp;
    if (trace_id !== undefined) info['trace.id'] = trace_id;
    if (span_id !== undefined) info['span.id'] = span_id;
    if (typeof rest.duration_ms === 'number')
      info['event.duration'] = Math.round(rest.duration_ms * 1e6);
    if (error !== undefined && !isErrorShaped(error)) info.error = error;
    else if (error !== undefined) {
      info.error = {
        type: error.name,
        message: error.message,
        code: error.code,
        category: error.category,
        ...(error.stack === undefined ? {} : { stack_trace: error.stack }),
        ...(error.cause === undefined ? {} : { cause: error.cause }),
      };
    }
    try {
      return (toLine.transform(info, toLine.options) as Record<symbol, string>)[MESSAGE] as string;
    } catch {
      return stringify({ '@timestamp': timestamp, 'log.level': level, message });
    }
  };
}

/** A meta `error` that is not an error record (a string, a plain object) is kept as it was given. */
function isErrorShaped(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ('message' in error || 'name' in error);
}

/** Datadog correlates logs with traces through the low 64 bits of the trace id, in decimal. */
export function toDatadogId(hexId: string): string {
  return BigInt(`0x${hexId.slice(-16)}`).toString(10);
}

const datadog: LineFormatter = (record) => {
  const { timestamp, level, message, service, trace_id, span_id, error, ...rest } = record;
  const out: Record<string, unknown> = { timestamp, status: level, message };
  if (service !== undefined) out.service = service;
  Object.assign(out, rest);
  // Datadog's reserved duration is in nanoseconds
  if (typeof rest.duration_ms === 'number') out.duration = Math.round(rest.duration_ms * 1e6);
  if (trace_id !== undefined && span_id !== undefined) {
    out.dd = {
      trace_id: toDatadogId(trace_id),
      span_id: toDatadogId(span_id),
      ...(service === undefined ? {} : { service }),
    };
  }
  if (error !== undefined && !isErrorShaped(error)) out.error = error;
  else if (error !== undefined) {
    out.error = {
      kind: error.name,
      message: error.message,
      code: error.code,
      category: error.category,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      ...(error.cause === undefined ? {} : { cause: error.cause }),
    };
  }
  return stringify(out);
};

function pretty(record: LogRecord): string {
  const { timestamp, level, message, service, error, ...rest } = record;
  let line = `${timestamp} ${level.padEnd(8)} ${service === undefined ? '' : `[${service}] `}${message}`;
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    line += ` ${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : stringify(value)}`;
  }
  if (error !== undefined) {
    line += `\n  ${error.name} [${error.code}]: ${error.message}`;
    if (error.stack !== undefined)
      line += `\n  ${error.stack.split('\n').slice(1).join('\n  ').trim()}`;
    for (let cause = error.cause; cause !== undefined; cause = cause.cause)
      line += `\n  caused by ${cause.name}: ${cause.message}`;
  }
  return line;
}
