import { randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { readFile, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageError } from '@localagent/errors';
import { FILE_MODE } from './permissions.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_LOCK_STALE_MS = 10_000;

/** A lock taken with `acquireLock`: its file's mtime is refreshed every `staleMs / 2` until released. */
export interface HeldLock {
  readonly path: string;
  /** False once the lock file is gone or someone else's (taken over as stale): write nothing then. */
  isHeld(): Promise<boolean>;
  /** Removes the lock file if it is still ours; harmless twice. */
  release(): void;
}

/*
 * One inter-process lock for the package: a file created with O_EXCL (mode 0600) holding its owner,
 * `<pid>:<random token>:<hostname>`. A lock is stale, and taken over, when its owner process is gone
 * (judged on the same host only) or its mtime is older than `staleMs`; only the very lock judged
 * stale is removed, and release removes only our own. The synchronous acquire serves audit appends
 * (a line is on disk before `append` returns; proper-lockfile's lockSync cannot wait); the async one
 * waits without blocking the event loop and refreshes the mtime while held, as proper-lockfile did.
 */

/** Waits for the lock, blocking the thread (short sleeps); returns its release. For critical sections of milliseconds. */
export function acquireLockSync(
  lockPath: string,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
  staleMs = DEFAULT_LOCK_STALE_MS,
): () => void {
  const owner = ownerRecord();
  for (const delay of attempts(lockPath, owner, timeoutMs, staleMs))
    Atomics.wait(sleeper, 0, 0, delay);
  return () => releaseIfOurs(lockPath, owner);
}

/** Waits for the lock without blocking the event loop; the lock is kept fresh until released. */
export async function acquireLock(
  lockPath: string,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
  staleMs = DEFAULT_LOCK_STALE_MS,
): Promise<HeldLock> {
  const owner = ownerRecord();
  for (const delay of attempts(lockPath, owner, timeoutMs, staleMs)) await sleep(delay);
  return refreshed(lockPath, owner, staleMs);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

// an empty lock is one whose owner is being written right now, unless it stayed empty this long (a crash)
const EMPTY_GRACE_MS = 1_000;

function ownerRecord(): string {
  // the pid comes first: versions before this module read `<pid>:<token>` and must find the pid
  return `${process.pid}:${randomBytes(8).toString('hex')}:${hostname()}`;
}

/** Tries until the lock is ours, yielding how long to sleep between attempts; throws on timeout. */
function* attempts(
  lockPath: string,
  owner: string,
  timeoutMs: number,
  staleMs: number,
): Generator<number, void, void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; !tryCreate(lockPath, owner); attempt += 1) {
    const removed = removeIfStale(lockPath, staleMs);
    if (Date.now() > deadline) throw timeoutError(lockPath);
    if (!removed) yield Math.min(2 + attempt, 25);
  }
}

function tryCreate(lockPath: string, owner: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', FILE_MODE);
  } catch (error) {
    // also EEXIST for a directory: the lock of an older version (see removeIfStale)
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw failureError(lockPath, error);
  }
  try {
    writeSync(fd, owner);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      // an empty lock is stale after EMPTY_GRACE_MS anyway
    }
    throw failureError(lockPath, error);
  }
  closeSync(fd);
  return true;
}

/** Removes the lock if it is stale; true when it did. Every race (the lock vanished, changed) means "not now". */
function removeIfStale(lockPath: string, staleMs: number): boolean {
  try {
    // content first, then age: a lock replaced in between is seen younger, never older, than it is
    const content = readFileSync(lockPath, 'utf8');
    const age = Date.now() - statSync(lockPath).mtimeMs;
    const { pid, host } = parseOwner(content);
    const ownerGone =
      content === ''
        ? age > EMPTY_GRACE_MS
        : (host === undefined || host === hostname()) && !isAlive(pid);
    if (!ownerGone && age <= staleMs) return false;
    // re-read just before removing: only the very lock judged stale goes, not one created since
    if (readFileSync(lockPath, 'utf8') !== content) return false;
    unlinkSync(lockPath);
    return true;
  } catch (error) {
    return (
      (error as NodeJS.ErrnoException).code === 'EISDIR' &&
      removeIfStaleDirectory(lockPath, staleMs)
    );
  }
}

/**
 * proper-lockfile's `<file>.lock` directory, left by a version before this module (or held by one
 * still running): its holder refreshes the mtime every staleMs / 2, so age alone decides. rmdir
 * fails on a directory that is not empty: that is not a lock, and waiting for it times out.
 */
function removeIfStaleDirectory(lockPath: string, staleMs: number): boolean {
  try {
    const stats = statSync(lockPath);
    if (!stats.isDirectory() || Date.now() - stats.mtimeMs <= staleMs) return false;
    rmdirSync(lockPath);
    return true;
  } catch {
    return false;
  }
}

/** `<pid>:<token>[:<hostname>]`; a lock without a hostname (older versions) is from this host. */
function parseOwner(content: string): { pid: number; host: string | undefined } {
  const [pid = '', , ...host] = content.split(':');
  return { pid: Number(pid), host: host.length > 0 ? host.join(':') : undefined };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
}

function releaseIfOurs(lockPath: string, owner: string): void {
  try {
    if (readOwner(lockPath) === owner) unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

function refreshed(lockPath: string, owner: string, staleMs: number): HeldLock {
  let lost = false;
  const isOurs = async (): Promise<boolean> =>
    (await readFile(lockPath, 'utf8').catch(() => undefined)) === owner;
  // a refresh that comes late (a busy event loop, a suspended machine) still keeps a lock nobody took
  // over meanwhile, as proper-lockfile did; one taken over is lost for good
  const timer = setInterval(() => {
    void (async () => {
      if (!(await isOurs())) {
        lost = true;
        clearInterval(timer);
        return;
      }
      const now = new Date();
      await utimes(lockPath, now, now).catch(() => undefined); // retried on the next tick
    })();
  }, staleMs / 2);
  timer.unref();
  return {
    path: lockPath,
    isHeld: async () => !lost && (await isOurs()),
    release: () => {
      clearInterval(timer);
      releaseIfOurs(lockPath, owner);
    },
  };
}

function timeoutError(lockPath: string): StorageError {
  const holder = describeHolder(lockPath);
  return new StorageError({
    message: `Timed out waiting for the lock ${lockPath}: ${holder} holds it.`,
    suggestion: `Retry when it has finished; if no LocalAgent process is running, remove ${lockPath}.`,
    details: { path: lockPath, reasonCode: 'lock_timeout' },
  });
}

function describeHolder(lockPath: string): string {
  try {
    if (statSync(lockPath).isDirectory()) return 'a LocalAgent process of an older version';
  } catch {
    return 'another LocalAgent process';
  }
  const { pid, host } = parseOwner(readOwner(lockPath) ?? '');
  if (!Number.isInteger(pid) || pid <= 0) return 'another LocalAgent process';
  return `LocalAgent process ${pid}${host === undefined || host === hostname() ? '' : ` on ${host}`}`;
}

function failureError(lockPath: string, cause: unknown): StorageError {
  return new StorageError({
    message: `Cannot create the lock ${lockPath}.`,
    cause,
    details: { path: lockPath, reasonCode: 'lock_failed' },
  });
}
