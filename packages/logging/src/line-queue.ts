/** Writes one line; calls `done` once the line has reached the file (or failed to). */
export type LineWriter = (line: string, done: (error?: Error | null) => void) => void;

export interface LineQueueOptions {
  /** Lines waiting beyond those being written; past it new lines are dropped and counted. */
  maxQueuedLines: number;
  /** Lines handed to the writer and not yet acknowledged. */
  maxInFlight?: number;
  write: LineWriter;
  /** The line that says how many lines were dropped. */
  notice: (dropped: number) => string;
  onError: (error: Error) => void;
}

/**
 * A bounded queue in front of a writer that ignores back-pressure (winston and the rotating file
 * transport both do): memory stays bounded when the disk is slower than the producer, and lines
 * past the bound are dropped, counted and reported in one line once there is room again.
 */
export class LineQueue {
  private readonly maxQueued: number;
  private readonly maxInFlight: number;
  private readonly options: LineQueueOptions;
  private lines: string[] = [];
  private head = 0;
  private inFlight = 0;
  private droppedSinceNotice = 0;
  private pumping = false;
  private idleWaiters: Array<() => void> = [];
  /** Lines dropped since the queue was created. */
  dropped = 0;

  constructor(options: LineQueueOptions) {
    this.options = options;
    this.maxQueued = Math.max(1, Math.floor(options.maxQueuedLines));
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 1024));
  }

  /** Lines waiting to be handed to the writer. */
  get queued(): number {
    return this.lines.length - this.head;
  }

  /** Queues a line; false when it was dropped because the queue is full. */
  push(line: string): boolean {
    if (this.queued === 0 && this.inFlight < this.maxInFlight) {
      this.writeOne(line);
      return true;
    }
    if (this.queued >= this.maxQueued) {
      this.dropped += 1;
      this.droppedSinceNotice += 1;
      return false;
    }
    this.lines.push(line);
    return true;
  }

  /** Resolves once every queued line (and the drop notice, if any) has been written. */
  whenIdle(): Promise<void> {
    this.flushNotice();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.queued === 0;
  }

  private writeOne(line: string): void {
    this.inFlight += 1;
    let called = false;
    this.options.write(line, (error) => {
      if (called) return;
      called = true;
      this.inFlight -= 1;
      if (error) this.options.onError(error);
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queued > 0 && this.inFlight < this.maxInFlight) {
        const line = this.lines[this.head] as string;
        this.head += 1;
        this.writeOne(line);
      }
      if (this.head > 1024 && this.head * 2 > this.lines.length) {
        this.lines = this.lines.slice(this.head);
        this.head = 0;
      }
      if (this.droppedSinceNotice > 0 && this.queued <= this.maxQueued / 2) this.flushNotice();
    } finally {
      this.pumping = false;
    }
    if (this.isIdle() && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private flushNotice(): void {
    if (this.droppedSinceNotice === 0) return;
    const notice = this.options.notice(this.droppedSinceNotice);
    this.droppedSinceNotice = 0;
    // the notice itself is never dropped
    if (this.queued === 0 && this.inFlight < this.maxInFlight) this.writeOne(notice);
    else this.lines.push(notice);
  }
}
