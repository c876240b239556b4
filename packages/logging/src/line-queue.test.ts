import { LineQueue, type LineWriter } from './line-queue';

/** A writer that acknowledges lines only when told to: a disk as slow as the test wants. */
function slowDisk() {
  const written: string[] = [];
  const pending: Array<() => void> = [];
  const write: LineWriter = (line, done) => {
    pending.push(() => {
      written.push(line);
      done();
    });
  };
  const flush = (n = Infinity) => {
    for (let i = 0; i < n && pending.length > 0; i++) pending.shift()?.();
  };
  return { written, pending, write, flush };
}

describe('LineQueue', () => {
  it('keeps at most maxInFlight lines at the writer and maxQueuedLines waiting, then drops and counts', async () => {
    const disk = slowDisk();
    const queue = new LineQueue({ maxQueuedLines: 5, maxInFlight: 2, write: disk.write, notice: (n) => `dropped ${n}`, onError: () => undefined });
    const accepted = Array.from({ length: 20 }, (_, i) => queue.push(`line ${i}`));
    expect(accepted.filter(Boolean)).toHaveLength(7);
    expect(disk.pending).toHaveLength(2);
    expect(queue.queued).toBe(5);
    expect(queue.dropped).toBe(13);
    const idle = queue.whenIdle();
    while (disk.pending.length > 0) disk.flush(1);
    await idle;
    expect(disk.written).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6', 'dropped 13']);
  });

  it('writes one notice per episode of drops once there is room again', async () => {
    const disk = slowDisk();
    const queue = new LineQueue({ maxQueuedLines: 4, maxInFlight: 1, write: disk.write, notice: (n) => `dropped ${n}`, onError: () => undefined });
    for (let i = 0; i < 8; i++) queue.push(`a${i}`);
    disk.flush(3); // the queue falls to half: the notice is queued behind the waiting lines
    for (let i = 0; i < 2; i++) queue.push(`b${i}`);
    const idle = queue.whenIdle();
    while (disk.pending.length > 0) disk.flush(1);
    await idle;
    expect(disk.written).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'dropped 3', 'b0', 'b1']);
    expect(queue.dropped).toBe(3);
  });

  it('loses nothing when the producer lets the writer keep up', async () => {
    const written: string[] = [];
    const queue = new LineQueue({
      maxQueuedLines: 10,
      write: (line, done) => {
        written.push(line);
        setImmediate(done);
      },
      notice: (n) => `dropped ${n}`,
      onError: () => undefined,
    });
    for (let i = 0; i < 5_000; i++) {
      queue.push(String(i));
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.whenIdle();
    expect(written).toHaveLength(5_000);
    expect(queue.dropped).toBe(0);
  });

  it('reports write errors and keeps going; a writer that acknowledges twice is counted once', async () => {
    const errors: Error[] = [];
    const queue = new LineQueue({
      maxQueuedLines: 10,
      maxInFlight: 1,
      write: (line, done) => {
        done(line === 'bad' ? new Error('EIO') : null);
        done();
      },
      notice: (n) => `dropped ${n}`,
      onError: (e) => errors.push(e),
    });
    queue.push('good');
    queue.push('bad');
    await queue.whenIdle();
    expect(errors.map((e) => e.message)).toEqual(['EIO']);
  });
});
