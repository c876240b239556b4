import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
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
 *
 * What is at the lock path is looked at without following a symlink (lstat, then O_NOFOLLOW), and
 * anything our code did not write is refused at once (StorageError, `details.reasonCode`
 * `lock_symlink`, `lock_not_a_file`, `lock_directory` or `lock_malformed`, with the command that
 * removes it) instead of being waited for until the timeout: a symlink (never followed, never
 * removed), a directory with content, a FIFO or device, a regular file whose content is not an
 * owner record. Such a file is refused rather than taken over: the lock is our own namespace, so
 * it is a mistake or an attack, and deleting what we did not write could break the exclusion of a
 * holder we do not understand. It is refused only once the same content has been seen for
 * MALFORMED_GRACE_MS, so a record caught half-written is never refused. An empty file stays what
 * it was: an owner being written, taken over after EMPTY_GRACE_MS (a crash between create and
 * write).
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
// a malformed lock seen unchanged this long (by our clock, not its mtime) was not caught mid-write
const MALFORMED_GRACE_MS = 100;

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
  const suspect: Suspect = {};
  for (let attempt = 0; !tryCreate(lockPath, owner); attempt += 1) {
    const removed = removeIfStale(lockPath, staleMs, suspect);
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

/** A malformed lock as first seen: refused once it is still the same after MALFORMED_GRACE_MS. */
interface Suspect {
  content?: string;
  ino?: number;
  since?: number;
}

type Found =
  | { kind: 'gone' }
  | { kind: 'symlink' }
  | { kind: 'other' }
  | { kind: 'directory'; mtimeMs: number; isEmpty: boolean }
  | { kind: 'file'; content: string; mtimeMs: number; ino: number };

// O_NOFOLLOW: a symlink swapped in after lstat fails the open (ELOOP); O_NONBLOCK: a FIFO does not hang it
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** What is at the lock path, never following a symlink. */
function look(lockPath: string): Found {
  let fd: number;
  try {
    if (lstatSync(lockPath).isSymbolicLink()) return { kind: 'symlink' };
    fd = openSync(lockPath, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'symlink' };
    if (code === 'EISDIR') return lookAtDirectory(lockPath); // Windows cannot open a directory
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return lookAtDirectory(lockPath);
    if (!stats.isFile()) return { kind: 'other' };
    return {
      kind: 'file',
      content: readFileSync(fd, 'utf8'),
      mtimeMs: stats.mtimeMs,
      ino: stats.ino,
    };
  } finally {
    closeSync(fd);
  }
}

function lookAtDirectory(lockPath: string): Found {
  const stats = lstatSync(lockPath);
  return { kind: 'directory', mtimeMs: stats.mtimeMs, isEmpty: readdirSync(lockPath).length === 0 };
}

/**
 * Removes the lock if it is stale; true when it did. Every race (the lock vanished, changed) means
 * "not now". Throws a refusal for what our code did not write (see the comment at the top).
 */
function removeIfStale(lockPath: string, staleMs: number, suspect: Suspect): boolean {
  let found: Found;
  try {
    found = look(lockPath);
  } catch {
    return false; // unreadable right now: the timeout names the holder
  }
  switch (found.kind) {
    case 'gone':
      return false;
    case 'symlink':
      throw refusal(
        lockPath,
        'lock_symlink',
        'is a symbolic link, not a lock: it is never followed',
      );
    case 'other':
      throw refusal(
        lockPath,
        'lock_not_a_file',
        'is not a regular file (a FIFO, socket or device)',
      );
    case 'directory':
      if (!found.isEmpty)
        throw refusal(
          lockPath,
          'lock_directory',
          'is a directory with content, not a lock',
          'rm -r',
        );
      return removeIfStaleDirectory(lockPath, staleMs);
    case 'file':
      break;
  }
  const { content, ino } = found;
  // a future mtime counts as old as it is far: a file dated ahead would otherwise never be stale
  const age = Math.abs(Date.now() - found.mtimeMs);
  if (content !== '' && !isOwnerRecord(content)) {
    const now = Date.now();
    if (suspect.content !== content || suspect.ino !== ino || suspect.since === undefined) {
      Object.assign(suspect, { content, ino, since: now });
      return false;
    }
    if (now - suspect.since < MALFORMED_GRACE_MS) return false;
    throw refusal(
      lockPath,
      'lock_malformed',
      'holds no LocalAgent owner record (`<pid>:<token>:<hostname>`)',
    );
  }
  const { pid, host } = parseOwner(content);
  const ownerGone =
    content === ''
      ? age > EMPTY_GRACE_MS
      : (host === undefined || host === hostname()) && !isAlive(pid);
  if (!ownerGone && age <= staleMs) return false;
  // look again just before removing: only the very lock judged stale goes, not one created since
  try {
    const again = look(lockPath);
    if (again.kind !== 'file' || again.ino !== ino || again.content !== content) return false;
    unlinkSync(lockPath);
    return true;
  } catch {
    return false;
  }
}

/** A lock path holding something our code did not write: reported at once, with the fix, never removed by us. */
function refusal(lockPath: string, reasonCode: string, what: string, remove = 'rm'): StorageError {
  return new StorageError({
    message: `The lock ${lockPath} ${what}; nothing was written.`,
    suggestion: `If no LocalAgent process is running, check what it is, then remove it: ${remove} ${shellQuoted(lockPath)}`,
    details: { path: lockPath, reasonCode },
  });
}

function shellQuoted(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * proper-lockfile's `<file>.lock` directory, left by a version before this module (or held by one
 * still running): its holder refreshes the mtime every staleMs / 2, so age alone decides. Only an
 * empty directory gets here; one with content is refused.
 */
function removeIfStaleDirectory(lockPath: string, staleMs: number): boolean {
  try {
    const stats = lstatSync(lockPath);
    if (!stats.isDirectory() || Math.abs(Date.now() - stats.mtimeMs) <= staleMs) return false;
    rmdirSync(lockPath);
    return true;
  } catch {
    return false;
  }
}

/** `<pid>:<token>[:<hostname>]`, as ownerRecord writes it (versions before this module: no hostname). */
function isOwnerRecord(content: string): boolean {
  const [pid = '', token = '', ...host] = content.split(':');
  return (
    /^[1-9][0-9]{0,9}$/.test(pid) &&
    /^[0-9A-Za-z]+$/.test(token) &&
    (host.length === 0 || /^\S+$/.test(host.join(':')))
  );
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
    if (lstatSync(lockPath).isDirectory()) return 'a LocalAgent process of an older version';
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
