/** Writes a chunk of whole lines; calls `done` once the chunk has reached the file (or failed to). */
export type ChunkWriter = (chunk: string, done: (error?: Error | null) => void) => void;

export interface LineQueueOptions {
  /** Lines accepted and not yet on disk; past it new lines are dropped and counted. */
  maxQueuedLines: number;
  /** Largest chunk handed to the writer at once (the file rotates by size between chunks). */
  maxChunkBytes?: number;
  write: ChunkWriter;
  /** The line that says how many lines were dropped. */
  notice: (dropped: number) => string;
  onError: (error: Error) => void;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * A bounded queue in front of a writer that ignores back-pressure (winston and the rotating file
 * transport both do): memory stays bounded when the disk is slower than the producer, and lines
 * past the bound are dropped, counted and reported in one line once there is room again.
 *
 * Lines are grouped into chunks: while one chunk is being written the next one fills (group
 * commit), so each round trip to the disk carries everything logged meanwhile.
 */
export class LineQueue {
  private readonly maxQueued: number;
  private readonly maxChunkBytes: number;
  private readonly options: LineQueueOptions;
  private chunk = '';
  private chunkLines = 0;
  private inFlightLines = 0;
  private inFlightChunks = 0;
  private droppedSinceNotice = 0;
  private idleWaiters: Array<() => void> = [];
  /** Lines dropped since the queue was created. */
  dropped = 0;

  constructor(options: LineQueueOptions) {
    this.options = options;
    this.maxQueued = Math.max(1, Math.floor(options.maxQueuedLines));
    this.maxChunkBytes = Math.max(1, Math.floor(options.maxChunkBytes ?? DEFAULT_CHUNK_BYTES));
  }

  /** Lines accepted and not yet acknowledged by the writer. */
  get pending(): number {
    return this.chunkLines + this.inFlightLines;
  }

  /** Queues a line; false when it was dropped because the queue is full. */
  push(line: string): boolean {
    if (this.pending >= this.maxQueued) {
      this.dropped += 1;
      this.droppedSinceNotice += 1;
      return false;
    }
    this.append(line);
    return true;
  }

  /** Resolves once every accepted line (and the drop notice, if any) has been written. */
  whenIdle(): Promise<void> {
    this.appendNotice();
    this.writeChunk();
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private append(line: string): void {
    this.chunk += `${line}\n`;
    this.chunkLines += 1;
    // nothing on its way to the disk: write now; otherwise let the chunk fill up to its limit
    if (this.inFlightChunks === 0 || this.chunk.length >= this.maxChunkBytes) this.writeChunk();
  }

  private writeChunk(): void {
    if (this.chunkLines === 0) return;
    const chunk = this.chunk;
    const lines = this.chunkLines;
    this.chunk = '';
    this.chunkLines = 0;
    this.inFlightLines += lines;
    this.inFlightChunks += 1;
    let called = false;
    this.options.write(chunk, (error) => {
      if (called) return;
      called = true;
      this.inFlightLines -= lines;
      this.inFlightChunks -= 1;
      if (error) this.options.onError(error);
      this.afterWrite();
    });
  }

  private afterWrite(): void {
    if (this.droppedSinceNotice > 0 && this.pending <= this.maxQueued / 2) this.appendNotice();
    if (this.inFlightChunks === 0) this.writeChunk();
    if (this.pending === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private appendNotice(): void {
    if (this.droppedSinceNotice === 0) return;
    const notice = this.options.notice(this.droppedSinceNotice);
    this.droppedSinceNotice = 0;
    // the notice itself is never dropped
    this.append(notice);
  }
}
