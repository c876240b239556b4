import { LineQueue, type ChunkWriter } from './line-queue';

/** A writer that acknowledges chunks only when told to: a disk as slow as the test wants. */
function slowDisk() {
  const written: string[] = [];
  const pending: Array<() => void> = [];
  const write: ChunkWriter = (chunk, done) => {
    pending.push(() => {
      written.push(...chunk.split('\n').filter((l) => l !== ''));
      done();
    });
  };
  const flush = (n = Infinity) => {
    for (let i = 0; i < n && pending.length > 0; i++) pending.shift()?.();
  };
  return { written, pending, write, flush };
}

const notice = (n: number): string => `dropped ${n}`;

describe('LineQueue', () => {
  it('holds at most maxQueuedLines not yet on disk, then drops and counts, and says so once written', async () => {
    const disk = slowDisk();
    const queue = new LineQueue({
      maxQueuedLines: 5,
      write: disk.write,
      notice,
      onError: () => undefined,
    });
    const accepted = Array.from({ length: 20 }, (_, i) => queue.push(`line ${i}`));
    expect(accepted.filter(Boolean)).toHaveLength(5);
    expect(queue.pending).toBe(5);
    expect(queue.dropped).toBe(15);
    // the first line went out alone; the others wait for it (group commit)
    expect(disk.pending).toHaveLength(1);
    const idle = queue.whenIdle();
    while (disk.pending.length > 0) disk.flush(1);
    await idle;
    expect(disk.written).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'dropped 15']);
  });

  it('writes one notice per episode of drops as soon as half the room is free again', async () => {
    const disk = slowDisk();
    const queue = new LineQueue({
      maxQueuedLines: 4,
      write: disk.write,
      notice,
      onError: () => undefined,
    });
    for (let i = 0; i < 7; i++) queue.push(`a${i}`);
    disk.flush(1); // a0 written: a1..a3 go out together; the notice waits for room
    queue.push('b0');
    const idle = queue.whenIdle();
    while (disk.pending.length > 0) disk.flush(1);
    await idle;
    expect(disk.written).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'dropped 3']);
    expect(queue.dropped).toBe(3);
  });

  it('cuts chunks at maxChunkBytes', () => {
    const disk = slowDisk();
    const queue = new LineQueue({
      maxQueuedLines: 100,
      maxChunkBytes: 10,
      write: disk.write,
      notice,
      onError: () => undefined,
    });
    for (let i = 0; i < 9; i++) queue.push('abcd');
    // one line alone, then chunks of two 5-byte lines
    expect(disk.pending).toHaveLength(5);
  });

  it('loses nothing when the producer lets the writer keep up', async () => {
    const written: string[] = [];
    const queue = new LineQueue({
      maxQueuedLines: 2_500,
      write: (chunk, done) => {
        written.push(...chunk.split('\n').filter((l) => l !== ''));
        setImmediate(done);
      },
      notice,
      onError: () => undefined,
    });
    for (let i = 0; i < 5_000; i++) {
      queue.push(String(i));
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.whenIdle();
    expect(written).toHaveLength(5_000);
    expect(queue.dropped).toBe(0);
    await expect(queue.whenIdle()).resolves.toBeUndefined();
  });

  it('reports write errors and keeps going; a writer that acknowledges twice is counted once', async () => {
    const errors: Error[] = [];
    const queue = new LineQueue({
      maxQueuedLines: 10,
      write: (chunk, done) => {
        done(chunk.includes('bad') ? new Error('EIO') : null);
        done();
      },
      notice,
      onError: (e) => errors.push(e),
    });
    queue.push('good');
    queue.push('bad');
    await queue.whenIdle();
    expect(errors.map((e) => e.message)).toEqual(['EIO']);
    expect(queue.pending).toBe(0);
  });
});
