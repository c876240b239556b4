import { types } from 'node:util';
import { performance } from 'node:perf_hooks';
import winston from 'winston';
import { LocalAgentError } from '@localagent/errors';
import { activeTraceIds, getContext } from './context.js';
import { toErrorRecord } from './error-record.js';
import { QueuedFileTransport, type FileOptions } from './file-transport.js';
import {
  createFormatter,
  MESSAGE,
  type LineFormatter,
  type LogFormat,
  type LogRecord,
} from './formats.js';
import { LEVEL_LABEL, SEVERITY, WINSTON_LEVELS, type LogLevel } from './levels.js';
import { Redactor, type RedactOptions } from './redact.js';

export type LogMeta = Record<string, unknown> | Error;

export interface LoggerOptions {
  /** Least severe level written. Default `info`. */
  level?: LogLevel | undefined;
  /** Default `pretty` when the console stream is a TTY, `json` otherwise. */
  format?: LogFormat | undefined;
  /** `service` field of every line. */
  service?: string | undefined;
  /** Console output; `false` for none. Default `{ stream: 'stderr' }`. A writable stream is accepted too. */
  console?: false | { stream: 'stderr' | 'stdout' | NodeJS.WritableStream } | undefined;
  /** Rotating log files. */
  file?: FileOptions | undefined;
  /** Field names and patterns masked on top of the built-in rules. */
  redact?: RedactOptions | undefined;
  /** Fields added to every line. */
  defaultMeta?: Record<string, unknown> | undefined;
  /** Lines waiting for a slow disk before new ones are dropped (and counted). Default 10,000. */
  maxQueuedLines?: number | undefined;
  /** Told about every failure to write a log file. Default: one line on stderr, once. */
  onError?: ((error: Error) => void) | undefined;
  /** Environment read once here (`LOCALAGENT_DEBUG`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Wall clock for timestamps. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

export interface Timer {
  /** Logs the label with `duration_ms` (monotonic clock) and returns the duration. */
  done(meta?: Record<string, unknown>): number;
}

export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warning(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  critical(message: string, meta?: LogMeta): void;
  /** A logger whose lines also carry `meta`; it shares this logger's outputs (and its `close`). */
  child(meta: Record<string, unknown>): Logger;
  isLevelEnabled(level: LogLevel): boolean;
  startTimer(label: string, meta?: Record<string, unknown>): Timer;
  /** Runs `fn`, logs its duration and outcome (`success` at info, `failure` at error), returns or rethrows. */
  time<T>(label: string, fn: () => T | Promise<T>, meta?: Record<string, unknown>): Promise<T>;
  /** Resolves once every line is written and every file closed; later lines are ignored. */
  close(): Promise<void>;
}

const LEVEL = Symbol.for('level');
export const DEFAULT_MAX_QUEUED_LINES = 10_000;

/** What a logger and all its children share. */
class LoggerCore {
  readonly severity: number;
  readonly includeStack: boolean;
  readonly redactor: Redactor;
  readonly formatter: LineFormatter;
  readonly service: string | undefined;
  readonly now: () => Date;
  readonly file: QueuedFileTransport | undefined;
  readonly winston: winston.Logger | undefined;
  closed = false;
  private closing: Promise<void> | undefined;
  private readonly onError: (error: Error) => void;

  constructor(options: LoggerOptions) {
    const level = options.level ?? 'info';
    const env = options.env ?? process.env;
    this.severity = SEVERITY[level];
    this.includeStack =
      level === 'debug' || env.LOCALAGENT_DEBUG === '1' || env.LOCALAGENT_DEBUG === 'true';
    this.redactor = new Redactor(options.redact ?? {}, (error) =>
      toErrorRecord(error, this.includeStack),
    );
    this.service = options.service;
    this.now = options.now ?? (() => new Date());
    this.onError = errorReporter(options.onError, (text) => this.redactor.text(text));
    const consoleStream = resolveConsole(options.console);
    const format =
      options.format ??
      ((consoleStream as { isTTY?: boolean } | undefined)?.isTTY === true ? 'pretty' : 'json');
    this.formatter = createFormatter(format, options.service);

    const transports: winston.transport[] = [];
    if (consoleStream !== undefined) {
      listenForErrors(consoleStream, this.onError);
      transports.push(new winston.transports.Stream({ stream: consoleStream, eol: '\n' }));
    }
    if (options.file !== undefined) {
      this.file = new QueuedFileTransport(options.file, {
        maxQueuedLines: options.maxQueuedLines ?? DEFAULT_MAX_QUEUED_LINES,
        onError: this.onError,
        notice: (dropped) => this.dropNotice(dropped),
      });
      transports.push(this.file);
    }
    // The level is checked before a record is built (winston runs formats even for disabled levels);
    // winston only routes the finished line to the transports.
    this.winston =
      transports.length === 0
        ? undefined
        : winston.createLogger({
            levels: WINSTON_LEVELS,
            level,
            format: winston.format((info) => info)(),
            transports,
            exitOnError: false,
          });
    // winston re-emits its transports' errors; unheard, an 'error' event throws
    this.winston?.on('error', (error: Error) => this.onError(error));
  }

  private dropNotice(dropped: number): string {
    const message = `dropped ${dropped} log lines: the log file could not keep up`;
    try {
      return this.line('warning', message, undefined, { dropped_lines: dropped }, false);
    } catch {
      return JSON.stringify({ level: LEVEL_LABEL.warning, message, dropped_lines: dropped });
    }
  }

  /** Builds, masks and formats one line. */
  line(
    level: LogLevel,
    message: string,
    bindings: Record<string, unknown> | undefined,
    meta: LogMeta | undefined,
    includeContext = true,
  ): string {
    const timestamp = this.now().toISOString();
    const label = LEVEL_LABEL[level];
    const text = typeof message === 'string' ? message : String(message);
    // errors are still Error objects here; the redactor turns them into ErrorRecords
    const record: Record<string, unknown> = { timestamp, level: label, message: text };
    if (this.service !== undefined) record.service = this.service;
    if (includeContext) {
      Object.assign(record, getContext());
      const ids = activeTraceIds();
      if (ids !== undefined) {
        record.trace_id = ids.trace_id;
        record.span_id = ids.span_id;
      }
    }
    if (bindings !== undefined) Object.assign(record, bindings);
    if (meta !== undefined && meta !== null) {
      if (isError(meta)) record.error = meta;
      else {
        Object.assign(record, meta);
        if (record.error === undefined && isError(meta.err)) {
          record.error = meta.err;
          delete record.err;
        }
      }
    }
    // the line's own fields win over meta of the same name
    record.timestamp = timestamp;
    record.level = label;
    record.message = text;
    if (this.service !== undefined) record.service = this.service;
    return this.formatter(this.redactor.value(record) as LogRecord);
  }

  emit(level: LogLevel, line: string): void {
    this.winston?.write({ level, message: line, [LEVEL]: level, [MESSAGE]: line });
  }

  report(error: unknown): void {
    this.onError(error instanceof Error ? error : new Error(String(error)));
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await this.file?.flushAndClose();
      this.winston?.close();
    })();
    return this.closing;
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value) || LocalAgentError.isInstance(value);
}

function resolveConsole(option: LoggerOptions['console']): NodeJS.WritableStream | undefined {
  if (option === false) return undefined;
  const stream = option?.stream ?? 'stderr';
  if (stream === 'stderr') return process.stderr;
  if (stream === 'stdout') return process.stdout;
  return stream;
}

const streamsListenedTo = new WeakSet<NodeJS.WritableStream>();

/**
 * A console stream that fails (EPIPE when the reader of `agent | head` goes away) emits 'error';
 * unheard, that kills the process. One listener per stream, however many loggers share it.
 */
function listenForErrors(stream: NodeJS.WritableStream, onError: (error: Error) => void): void {
  if (streamsListenedTo.has(stream)) return;
  streamsListenedTo.add(stream);
  stream.on('error', (error: Error) => onError(error));
}

/**
 * A copy of a transport or formatting error with every credential masked: the message of an error
 * thrown while a record was built can hold a value the record was about to mask.
 */
function maskedError(error: Error, mask: (text: string) => string): Error {
  const message = mask(error.message);
  const stack = error.stack === undefined ? undefined : mask(error.stack);
  // nothing to hide: hand over the error itself, so its class (a StorageError…) still tells what failed
  if (message === error.message && stack === error.stack) return error;
  const safe = new Error(message);
  safe.name = error.name;
  if (stack !== undefined) safe.stack = stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(safe, { code });
  return safe;
}

function errorReporter(
  onError: LoggerOptions['onError'],
  mask: (text: string) => string,
): (error: Error) => void {
  if (onError !== undefined) {
    return (error) => {
      try {
        onError(maskedError(error, mask));
      } catch {
        // a failing reporter must not take the process down either
      }
    };
  }
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    process.stderr.write(
      `@localagent/logging: ${mask(error.message)} (further log errors are not shown)\n`,
    );
  };
}

class WinstonBackedLogger implements Logger {
  constructor(
    private readonly core: LoggerCore,
    private readonly bindings: Record<string, unknown> | undefined,
  ) {}

  debug(message: string, meta?: LogMeta): void {
    if (this.core.severity > 10) return;
    this.log('debug', message, meta);
  }

  info(message: string, meta?: LogMeta): void {
    if (this.core.severity > 20) return;
    this.log('info', message, meta);
  }

  warning(message: string, meta?: LogMeta): void {
    if (this.core.severity > 30) return;
    this.log('warning', message, meta);
  }

  error(message: string, meta?: LogMeta): void {
    if (this.core.severity > 40) return;
    this.log('error', message, meta);
  }

  critical(message: string, meta?: LogMeta): void {
    this.log('critical', message, meta);
  }

  private log(level: LogLevel, message: string, meta: LogMeta | undefined): void {
    const core = this.core;
    if (core.closed) return;
    // a log call never throws into the caller
    try {
      core.emit(level, core.line(level, message, this.bindings, meta));
    } catch (error) {
      core.report(error);
    }
  }

  child(meta: Record<string, unknown>): Logger {
    return new WinstonBackedLogger(
      this.core,
      this.bindings === undefined ? { ...meta } : { ...this.bindings, ...meta },
    );
  }

  isLevelEnabled(level: LogLevel): boolean {
    return SEVERITY[level] >= this.core.severity;
  }

  startTimer(label: string, meta?: Record<string, unknown>): Timer {
    const start = performance.now();
    return {
      done: (more?: Record<string, unknown>): number => {
        const duration = roundMs(performance.now() - start);
        this.info(label, { ...meta, ...more, duration_ms: duration });
        return duration;
      },
    };
  }

  async time<T>(
    label: string,
    fn: () => T | Promise<T>,
    meta?: Record<string, unknown>,
  ): Promise<T> {
    const start = performance.now();
    try {
      const result = await fn();
      this.info(label, {
        ...meta,
        duration_ms: roundMs(performance.now() - start),
        outcome: 'success',
      });
      return result;
    } catch (error) {
      const failure = isError(error) ? error : toErrorRecord(error, false);
      this.error(label, {
        ...meta,
        duration_ms: roundMs(performance.now() - start),
        outcome: 'failure',
        error: failure,
      });
      throw error;
    }
  }

  close(): Promise<void> {
    return this.core.close();
  }
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A logger with the given outputs; see {@link LoggerOptions} for the defaults. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const core = new LoggerCore(options);
  return new WinstonBackedLogger(
    core,
    options.defaultMeta === undefined ? undefined : { ...options.defaultMeta },
  );
}
