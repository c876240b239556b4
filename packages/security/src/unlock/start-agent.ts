import { spawn } from 'node:child_process';
import { ConfigurationError, StorageError } from '@localagent/errors';
import { AGENT_SOURCE } from './agent-source.js';
import { stopUnlockAgent } from './client.js';
import { checkSocketPathLength, ensurePrivateDir, unlockPaths } from './paths.js';
import { MAX_UNLOCK_TTL_MS } from './ttl.js';

/** One derived file key: `id` names the KDF parameters and salt it was derived with (opaque here). */
export interface UnlockEntry {
  id: string;
  key: Buffer;
}

export interface StartUnlockAgentOptions {
  configDir: string;
  env: Record<string, string | undefined>;
  entries: readonly UnlockEntry[];
  ttlMs: number;
  /** How long the agent may take to start listening (default 5 s). */
  startTimeoutMs?: number;
}

export interface UnlockAgent {
  pid: number;
  socketPath: string;
  expiresAt: Date;
}

/**
 * Starts the agent of `configDir` holding `entries` until `ttlMs` from now, replacing (and wiping)
 * a running one. The keys travel on the agent's stdin; the caller still owns and wipes its Buffers.
 * The agent is detached and unref'd: it outlives this process, with an empty environment.
 */
export async function startUnlockAgent(options: StartUnlockAgentOptions): Promise<UnlockAgent> {
  if (process.platform === 'win32') {
    throw new StorageError({
      message: 'The unlock agent needs UNIX sockets; it is not available on Windows.',
      suggestion: 'Set LOCALAGENT_MASTER_PASSWORD for the headless process, or use the OS keyring.',
    });
  }
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0 || options.ttlMs > MAX_UNLOCK_TTL_MS) {
    throw new ConfigurationError({
      message: `The unlock TTL must be more than 0 and at most 7 days (got ${options.ttlMs} ms).`,
      suggestion: 'Pass --ttl with a duration such as 30m, 8h or 1d.',
    });
  }
  if (options.entries.length === 0) {
    throw new ConfigurationError({
      message: 'There is no key to unlock: the key file holds no encrypted entry yet.',
      suggestion: 'Store a key first: `localagent config set-key <provider>`.',
    });
  }
  const paths = unlockPaths(options.configDir, options.env);
  checkSocketPathLength(paths.socket);
  ensurePrivateDir(paths.dir);
  await stopUnlockAgent(options);

  const expiresAt = new Date(Date.now() + options.ttlMs);
  const header = JSON.stringify({
    dir: paths.dir,
    socket: paths.socket,
    cookie: paths.cookie,
    expiresAt: expiresAt.getTime(),
    entries: options.entries.map((entry) => ({ id: entry.id, length: entry.key.length })),
  });
  const keys = Buffer.concat(options.entries.map((entry) => entry.key));
  try {
    const pid = await spawnAgent(header, keys, options.startTimeoutMs ?? 5000);
    return { pid, socketPath: paths.socket, expiresAt };
  } finally {
    keys.fill(0);
  }
}

function spawnAgent(header: string, keys: Buffer, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', AGENT_SOURCE], {
      detached: true,
      // not the parent's: no master password, no provider keys, no NODE_OPTIONS
      env: {},
      cwd: '/',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let settled = false;
    let output = '';
    const finish = (error: Error | undefined, pid?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stdin.destroy();
      if (error === undefined) {
        child.unref();
        resolve(pid as number);
      } else {
        child.kill('SIGKILL');
        reject(error);
      }
    };
    const failure = (detail: string, cause?: unknown): StorageError =>
      new StorageError({
        message: `The unlock agent did not start: ${detail}.`,
        suggestion:
          'Run `localagent doctor`; check that XDG_RUNTIME_DIR (or TMPDIR) is a directory only you can use.',
        ...(cause === undefined ? {} : { cause }),
      });
    const timer = setTimeout(() => finish(failure(`no answer within ${timeoutMs} ms`)), timeoutMs);
    child.on('error', (error) => finish(failure(error.message, error)));
    child.on('exit', (code, signal) =>
      finish(failure(`it exited (${signal ?? `code ${code}`}) before listening`)),
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const end = output.indexOf('\n');
      if (end < 0) return;
      let message: { ready?: boolean; pid?: number; error?: string };
      try {
        message = JSON.parse(output.slice(0, end)) as typeof message;
      } catch {
        message = { error: 'an unreadable answer' };
      }
      if (message.ready === true && typeof message.pid === 'number') finish(undefined, message.pid);
      else finish(failure(message.error ?? 'an unexpected answer'));
    });
    // an agent that died at once makes the write fail with EPIPE; 'exit' reports it
    child.stdin.on('error', () => undefined);
    child.stdin.write(`${header}\n`);
    child.stdin.end(keys);
  });
}
