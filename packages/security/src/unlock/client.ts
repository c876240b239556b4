import { lstat, readFile, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { privateReason, unlockPaths, type UnlockPaths } from './paths.js';

export interface UnlockAgentTarget {
  configDir: string;
  env: Record<string, string | undefined>;
  /** How long one exchange with the agent may take (default 500 ms). */
  timeoutMs?: number;
}

export interface UnlockAgentStatus {
  running: boolean;
  pid?: number;
  expiresAt?: Date;
}

interface Answer {
  message: Record<string, unknown>;
  /** The raw bytes after the answer line (a key), when the line announced a `length`. */
  body: Buffer | undefined;
}

const DEFAULT_TIMEOUT_MS = 500;
const MAX_ANSWER_LINE = 4096;

/**
 * The cookie of the agent, read only when the directory, the socket and the cookie are all owned
 * by this user and private: a socket another user planted is never talked to.
 */
async function readCookie(paths: UnlockPaths): Promise<string | undefined> {
  const [dir, socket, cookie] = await Promise.all([
    lstat(paths.dir),
    lstat(paths.socket),
    lstat(paths.cookie),
  ]);
  if (privateReason(dir, 'directory') !== undefined) return undefined;
  if (privateReason(socket, 'socket') !== undefined) return undefined;
  if (privateReason(cookie, 'file') !== undefined) return undefined;
  return (await readFile(paths.cookie, 'utf8')).trim();
}

/** One request, one answer; undefined when the agent is not there, refuses, or is too slow. */
function exchange(
  socketPath: string,
  request: Record<string, unknown>,
  timeoutMs: number,
): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let message: Record<string, unknown> | undefined;
    let bodyStart = 0;
    const socket = createConnection(socketPath);
    const done = (answer: Answer | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      for (const chunk of chunks) chunk.fill(0);
      chunks.length = 0;
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const all = Buffer.concat(chunks, received);
      try {
        if (message === undefined) {
          const end = all.indexOf(10);
          if (end < 0) {
            if (received > MAX_ANSWER_LINE) done(undefined);
            return;
          }
          const parsed: unknown = JSON.parse(all.subarray(0, end).toString('utf8'));
          if (parsed === null || typeof parsed !== 'object') return done(undefined);
          message = parsed as Record<string, unknown>;
          bodyStart = end + 1;
        }
        const length = message['length'];
        if (typeof length !== 'number') return done({ message, body: undefined });
        if (received - bodyStart < length) return;
        const body = Buffer.alloc(length);
        all.copy(body, 0, bodyStart, bodyStart + length);
        done({ message, body });
      } catch {
        done(undefined);
      } finally {
        all.fill(0);
      }
    });
  });
}

async function ask(
  target: UnlockAgentTarget,
  request: Record<string, unknown>,
): Promise<Answer | undefined> {
  const paths = unlockPaths(target.configDir, target.env);
  const cookie = await readCookie(paths).catch(() => undefined);
  if (cookie === undefined) return undefined;
  return exchange(paths.socket, { ...request, cookie }, target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/**
 * The key the agent of `configDir` holds under `id`, or undefined: no agent (one stat), not ours,
 * gone, expired, too slow, or not holding `id`. Never throws: the caller then asks for the password.
 */
export async function requestUnlockedKey(
  options: UnlockAgentTarget & { id: string },
): Promise<Buffer | undefined> {
  try {
    // runs on every open of the key file: a missing socket costs one lstat and nothing else
    await lstat(unlockPaths(options.configDir, options.env).socket);
  } catch {
    return undefined;
  }
  try {
    const answer = await ask(options, { op: 'get', id: options.id });
    if (answer?.message['ok'] !== true) return undefined;
    return answer.body;
  } catch {
    return undefined;
  }
}

/**
 * Tells the agent of `configDir` to wipe its keys and exit; true when one was running and did.
 * A stale socket (its agent died) and its cookie are removed.
 */
export async function stopUnlockAgent(target: UnlockAgentTarget): Promise<boolean> {
  const paths = unlockPaths(target.configDir, target.env);
  const answer = await ask(target, { op: 'lock' });
  if (answer?.message['ok'] === true && answer.message['wiped'] === true) return true;
  await removeStale(paths);
  return false;
}

/** Removes the socket and cookie of an agent that did not answer; its watcher exits when they go. */
async function removeStale(paths: UnlockPaths): Promise<void> {
  const dir = await lstat(paths.dir).catch(() => undefined);
  if (dir === undefined || privateReason(dir, 'directory') !== undefined) return;
  await Promise.all([
    unlink(paths.socket).catch(() => undefined),
    unlink(paths.cookie).catch(() => undefined),
  ]);
}

/** Whether an agent of `configDir` answers, with its pid and when it expires. */
export async function unlockAgentStatus(target: UnlockAgentTarget): Promise<UnlockAgentStatus> {
  const answer = await ask(target, { op: 'status' }).catch(() => undefined);
  const message = answer?.message;
  if (message?.['ok'] !== true) return { running: false };
  const pid = message['pid'];
  const expiresAt = message['expiresAt'];
  return {
    running: true,
    ...(typeof pid === 'number' ? { pid } : {}),
    ...(typeof expiresAt === 'number' ? { expiresAt: new Date(expiresAt) } : {}),
  };
}
