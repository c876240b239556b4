import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '@localagent/errors';
import { removeDir, tempDir } from '../test/support/fixtures';
import { acquireLock, acquireLockSync } from './file-lock';

// between real processes (contention, a live holder, a SIGKILLed one): test/lock-processes.test.ts

function deadPid(): string {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
}

function makeOld(path: string, ageMs: number): void {
  const past = new Date(Date.now() - ageMs);
  utimesSync(path, past, past);
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!StorageError.isInstance(error))
    throw new Error(`expected a StorageError, got ${String(error)}`);
  return error;
}

type Acquire = (lockPath: string, timeoutMs?: number, staleMs?: number) => Promise<() => void>;
const acquirers: Array<[string, Acquire]> = [
  [
    'acquireLockSync',
    async (path, timeoutMs, staleMs) => acquireLockSync(path, timeoutMs, staleMs),
  ],
  [
    'acquireLock',
    async (path, timeoutMs, staleMs) => (await acquireLock(path, timeoutMs, staleMs)).release,
  ],
];

describe.each(acquirers)('%s', (_name, acquire) => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = tempDir('la-file-lock-');
    lock = join(dir, 'x.lock');
  });
  afterEach(() => removeDir(dir));

  it('writes its owner (pid, random token, host) to a 0600 file; release removes only its own lock', async () => {
    const release = await acquire(lock);
    const owner = readFileSync(lock, 'utf8');
    const [pid, token, host, ...rest] = owner.split(':');
    expect({ pid, host, rest }).toEqual({ pid: String(process.pid), host: hostname(), rest: [] });
    expect(token).toMatch(/^[0-9a-f]{16}$/);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
    release();
    expect(existsSync(lock)).toBe(false);
    release(); // twice is harmless

    const second = await acquire(lock);
    expect(readFileSync(lock, 'utf8')).not.toBe(owner); // a fresh token each time
    writeFileSync(lock, `${process.ppid}:theirs`); // taken over meanwhile
    second();
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}:theirs`);
  });

  it('takes over at once the lock of a process gone from this host, in the current and the older format', async () => {
    const dead = deadPid();
    for (const content of [`${dead}:abc:${hostname()}`, `${dead}:abc`]) {
      writeFileSync(lock, content);
      const release = await acquire(lock, 1_000, 60_000);
      expect(readFileSync(lock, 'utf8').startsWith(`${process.pid}:`)).toBe(true);
      release();
    }
  });

  it('judges a lock from another host by its age only: waited for while fresh, taken over once stale', async () => {
    writeFileSync(lock, `${deadPid()}:abc:another-host`);
    const error = await rejection(acquire(lock, 150, 10_000));
    expect(error.message).toContain('process');
    expect(error.message).toContain('on another-host');
    makeOld(lock, 11_000);
    (await acquire(lock, 1_000, 10_000))();
  });

  it('times out on a fresh lock of a live process with a StorageError that names the lock; takes it over once stale', async () => {
    writeFileSync(lock, `${process.ppid}:other:${hostname()}`);
    const started = Date.now();
    const error = await rejection(acquire(lock, 200, 10_000));
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(error).toMatchObject({
      code: 'LA_STORAGE_FAILED',
      details: { path: lock, reasonCode: 'lock_timeout' },
    });
    expect(error.message).toBe(
      `Timed out waiting for the lock ${lock}: LocalAgent process ${process.ppid} holds it.`,
    );
    expect(error.suggestion).toContain(`remove ${lock}`);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}:other:${hostname()}`); // untouched

    makeOld(lock, 11_000); // its holder stopped refreshing it: a reused pid, a hung process
    (await acquire(lock, 1_000, 10_000))();
  });

  it('waits for an empty lock (its owner is being written) for a second, then takes it over', async () => {
    writeFileSync(lock, '');
    await rejection(acquire(lock, 150, 60_000));
    makeOld(lock, 1_500);
    (await acquire(lock, 1_000, 60_000))();
  });

  it("waits for proper-lockfile's lock directory (older versions) while fresh, removes it once stale, and never a directory with content", async () => {
    mkdirSync(lock); // what proper-lockfile's lock() creates: an empty `<file>.lock` directory
    const error = await rejection(acquire(lock, 150, 10_000));
    expect(error.message).toBe(
      `Timed out waiting for the lock ${lock}: a LocalAgent process of an older version holds it.`,
    );
    expect(statSync(lock).isDirectory()).toBe(true);
    makeOld(lock, 11_000);
    const release = await acquire(lock, 1_000, 10_000);
    expect(readFileSync(lock, 'utf8').startsWith(`${process.pid}:`)).toBe(true);
    release();

    mkdirSync(lock);
    writeFileSync(join(lock, 'data'), 'kept');
    makeOld(lock, 11_000);
    await rejection(acquire(lock, 150, 10_000));
    expect(readFileSync(join(lock, 'data'), 'utf8')).toBe('kept');
  });

  it('refuses at once, with the command that removes it, a lock our code did not write; never follows nor removes it', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, `${deadPid()}:abc:${hostname()}`); // a stale owner: followed, it would be taken over
    const cases: Array<[string, () => void, string, string]> = [
      ['a symlink to a file', () => symlinkSync(target, lock), 'lock_symlink', 'rm'],
      ['a dangling symlink', () => symlinkSync(join(dir, 'nowhere'), lock), 'lock_symlink', 'rm'],
      ['a symlink to a directory', () => symlinkSync(dir, lock), 'lock_symlink', 'rm'],
      [
        'a file that is no owner record',
        () => writeFileSync(lock, 'garbage\n'),
        'lock_malformed',
        'rm',
      ],
      ['a pid without a token', () => writeFileSync(lock, deadPid()), 'lock_malformed', 'rm'],
      [
        'a directory with content',
        () => {
          mkdirSync(lock);
          writeFileSync(join(lock, 'data'), 'kept');
        },
        'lock_directory',
        'rm -r',
      ],
    ];
    for (const [what, make, reasonCode, remove] of cases) {
      make();
      const started = Date.now();
      const error = await rejection(acquire(lock, 30_000, 60_000));
      expect({ what, ms: Date.now() - started < 5_000 }).toEqual({ what, ms: true });
      expect({ what, details: error.details }).toEqual({
        what,
        details: { path: lock, reasonCode },
      });
      expect(error.message).toContain(lock);
      expect(error.suggestion).toContain(`remove it: ${remove} ${lock}`);
      expect(lstatSync(lock)).toBeDefined(); // left in place
      rmSync(lock, { recursive: true });
    }
    expect(readFileSync(target, 'utf8')).toMatch(/^\d+:abc:/); // the target was never touched
  });

  it('refuses a FIFO at the lock path without hanging on it', async () => {
    if (process.platform === 'win32') return;
    expect(spawnSync('mkfifo', [lock]).status).toBe(0);
    const error = await rejection(acquire(lock, 30_000, 60_000));
    expect(error.details).toEqual({ path: lock, reasonCode: 'lock_not_a_file' });
  });

  it('quotes a lock path with spaces or quotes in the command it suggests', async () => {
    const odd = join(dir, "it's a.lock");
    writeFileSync(odd, 'garbage');
    const error = await rejection(acquire(odd, 30_000, 60_000));
    expect(error.suggestion).toContain(`rm '${odd.replaceAll("'", "'\\''")}'`);
  });

  it('judges a lock dated in the future by its distance from now, so it cannot block for good', async () => {
    const future = new Date(Date.now() + 3_600_000);
    writeFileSync(lock, ''); // an owner never written, dated an hour ahead
    utimesSync(lock, future, future);
    (await acquire(lock, 1_000, 10_000))();
    writeFileSync(lock, `${process.ppid}:other:${hostname()}`); // a live pid, never refreshed
    utimesSync(lock, future, future);
    (await acquire(lock, 1_000, 10_000))();
  });

  it('reports a lock it cannot create as a StorageError', async () => {
    const missing = join(dir, 'missing', 'w.lock');
    const error = await rejection(acquire(missing));
    expect(error).toMatchObject({
      code: 'LA_STORAGE_FAILED',
      message: `Cannot create the lock ${missing}.`,
      details: { path: missing, reasonCode: 'lock_failed' },
    });
  });
});

describe('acquireLock (async)', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = tempDir('la-file-lock-');
    lock = join(dir, 'x.lock');
  });
  afterEach(() => removeDir(dir));

  it('waits without blocking the event loop, and gets the lock once it is released', async () => {
    const holder = await acquireLock(lock);
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const waiting = acquireLock(lock, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    holder.release();
    const mine = await waiting;
    clearInterval(ticker);
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(await mine.isHeld()).toBe(true);
    mine.release();
  });

  it('gets the lock once an older version releases its lock directory', async () => {
    mkdirSync(lock);
    const waiting = acquireLock(lock, 5_000, 60_000);
    setTimeout(() => rmdirSync(lock), 200);
    (await waiting).release();
  });

  it('keeps the lock fresh while held, so it is never judged stale by its age', async () => {
    const held = await acquireLock(lock, 1_000, 1_000);
    makeOld(lock, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(1_000);
    await rejection(acquireLock(lock, 600, 1_000));
    expect(await held.isHeld()).toBe(true);
    held.release();
  });

  it('knows when its lock was taken over (lost for good), and then leaves the new owner’s lock alone', async () => {
    const held = await acquireLock(lock, 1_000, 200);
    const ours = readFileSync(lock, 'utf8');
    const theirs = `${process.ppid}:theirs:${hostname()}`;
    writeFileSync(lock, theirs);
    expect(await held.isHeld()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a refresh tick (every 100 ms) sees it too
    writeFileSync(lock, ours);
    expect(await held.isHeld()).toBe(false);
    writeFileSync(lock, theirs);
    held.release();
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
  });
});
