import { basename, dirname, extname, join } from 'node:path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { StorageError } from '@localagent/errors';
import { LineQueue } from './line-queue.js';
import { MESSAGE } from './formats.js';

/** Where and how lines are written to disk; rotation by size and by time. */
export interface FileOptions {
  /** `logs/agent.log` writes `logs/agent-<date>.log`, then `logs/agent-<date>.1.log` … when `maxSize` splits a day. */
  path: string;
  /** Rotate when a file reaches this size: bytes, or `'10k'`, `'20m'`, `'1g'`. */
  maxSize?: string | number | undefined;
  /** Keep this many files (`10`) or days (`'14d'`); older ones are deleted. */
  maxFiles?: string | number | undefined;
  /** winston-daily-rotate-file's frequency (`'daily'`, `'1h'`, `'5m'`); by default the date pattern decides. */
  frequency?: string | undefined;
  /** moment.js date pattern in the file name; the period it names is the rotation period. Default `YYYY-MM-DD`. */
  datePattern?: string | undefined;
  /** gzip rotated files. */
  zippedArchive?: boolean | undefined;
  /** Where the list of written files is kept (for pruning); default `<dir>/.<name>-audit.json`. */
  auditFile?: string | undefined;
  /** Dates in UTC rather than local time. */
  utc?: boolean | undefined;
}

interface RotatingStream {
  write(chunk: string, done: (error?: Error | null) => void): void;
  end(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

// winston exports its Transport base class at run time; its typings only name the type.
const TransportStream = (winston as unknown as { Transport: new () => winston.transport })
  .Transport;

export interface QueuedFileTransportOptions {
  maxQueuedLines: number;
  notice: (dropped: number) => string;
  onError: (error: Error) => void;
}

/**
 * A winston transport that puts a bounded {@link LineQueue} in front of winston-daily-rotate-file's
 * rotating stream, writes with per-line acknowledgement, and on {@link flushAndClose} waits until
 * every file it opened is closed.
 */
export class QueuedFileTransport extends TransportStream {
  private readonly queue: LineQueue;
  private readonly stream: RotatingStream | undefined;
  private readonly onError: (error: Error) => void;
  private readonly path: string;
  private rotations = 0;
  private closes = 0;
  private closing: Promise<void> | undefined;
  private whenAllClosed: (() => void) | undefined;

  constructor(file: FileOptions, options: QueuedFileTransportOptions) {
    super();
    this.path = file.path;
    const seen = new WeakSet<Error>();
    this.onError = (error) => {
      // one failure reaches us twice (the write's callback and the stream's 'error'), and every later
      // write to the dead stream fails with ERR_STREAM_DESTROYED: report the failure once
      if (seen.has(error) || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED')
        return;
      seen.add(error);
      options.onError(toStorageError(this.path, error));
    };
    this.stream = this.open(file);
    const stream = this.stream;
    this.queue = new LineQueue({
      maxQueuedLines: options.maxQueuedLines,
      notice: options.notice,
      onError: this.onError,
      // a file rotates by size between chunks: keep chunks well below maxSize
      maxChunkBytes: Math.min(64 * 1024, Math.max(256, Math.floor(sizeInBytes(file.maxSize) / 16))),
      write:
        stream === undefined
          ? (_chunk, done) => done()
          : // Writable.write(chunk, callback): the rotating stream passes its second argument through
            (chunk, done) => stream.write(chunk, done),
    });
  }

  private open(file: FileOptions): RotatingStream | undefined {
    const ext = extname(file.path);
    const name = basename(file.path, ext);
    const dir = dirname(file.path);
    try {
      const transport = new DailyRotateFile({
        dirname: dir,
        filename: name.includes('%DATE%') ? name : `${name}-%DATE%`,
        extension: ext,
        datePattern: file.datePattern ?? 'YYYY-MM-DD',
        auditFile: file.auditFile ?? join(dir, `.${name.replace(/%DATE%/g, '')}-audit.json`),
        zippedArchive: file.zippedArchive ?? false,
        utc: file.utc ?? false,
        ...(file.maxSize === undefined ? {} : { maxSize: file.maxSize }),
        ...(file.maxFiles === undefined ? {} : { maxFiles: file.maxFiles }),
        ...(file.frequency === undefined ? {} : { frequency: file.frequency }),
      });
      // the rotating transport does not listen for errors itself: unheard, they would crash the process
      transport.on('error', (error: Error) => this.onError(error));
      const stream = (transport as unknown as { logStream: RotatingStream }).logStream;
      stream.on('error', (error) => this.onError(error as Error));
      stream.on('rotate', () => {
        this.rotations += 1;
      });
      stream.on('close', () => {
        this.closes += 1;
        this.checkAllClosed();
      });
      return stream;
    } catch (error) {
      this.onError(error as Error);
      return undefined;
    }
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.queue.push(info[MESSAGE] as string);
    next();
  }

  /** winston calls this when the transport is removed; {@link flushAndClose} does the real work. */
  override close(): void {
    void this.flushAndClose();
  }

  /**
   * Resolves once every line is in its file and every file is closed.
   * Trap: winston-daily-rotate-file's 'finish' fires before its stream is flushed, and every rotated
   * file's 'finish'/'close' bubbles up to the same emitter, so we count the closes ourselves.
   */
  flushAndClose(): Promise<void> {
    this.closing ??= this.queue.whenIdle().then(
      () =>
        new Promise<void>((resolve) => {
          if (this.stream === undefined) return resolve();
          this.whenAllClosed = resolve;
          this.stream.end();
          this.checkAllClosed();
        }),
    );
    return this.closing;
  }

  private checkAllClosed(): void {
    // one file stream at start, one more per rotation; each emits 'close' once
    if (this.whenAllClosed !== undefined && this.closes >= 1 + this.rotations) {
      const resolve = this.whenAllClosed;
      this.whenAllClosed = undefined;
      resolve();
    }
  }
}

/** `maxSize` in bytes as winston-daily-rotate-file reads it (`'10k'`, `'20m'`, `'1g'`, or bytes). */
export function sizeInBytes(size: string | number | undefined): number {
  if (typeof size === 'number') return size;
  const match = /^((?:0\.)?\d+)([kmg])$/i.exec(size ?? '');
  if (match === null) return Number.POSITIVE_INFINITY;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    (match[2] as string).toLowerCase() as 'k' | 'm' | 'g'
  ];
  return Number(match[1]) * unit;
}

function toStorageError(path: string, error: Error): Error {
  return new StorageError({
    message: `Cannot write the log file ${path}: ${error.message}`,
    cause: error,
  });
}
