// The unlock agent (src/unlock) as real processes on real sockets, in a temp XDG_RUNTIME_DIR.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError, StorageError } from '@localagent/errors';
import {
  requestUnlockedKey,
  startUnlockAgent,
  stopUnlockAgent,
  unlockAgentStatus,
  unlockSocketPath,
} from '../src/unlock/index';
import { unlockPaths } from '../src/unlock/paths';

const WORKER = join(__dirname, '..', 'src', 'unlock', '__fixtures__', 'client-worker.ts');
const ID = 'scrypt-n17-r8-p1:00112233445566778899aabbccddeeff';

const started = new Set<number>();
let runtime: string;
let env: Record<string, string | undefined>;
let configDir: string;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(25);
  }
}

async function start(key: Buffer, options: { dir?: string; ttlMs?: number } = {}) {
  const agent = await startUnlockAgent({
    configDir: options.dir ?? configDir,
    env,
    entries: [{ id: ID, key }],
    ttlMs: options.ttlMs ?? 60_000,
  });
  started.add(agent.pid);
  return agent;
}

function worker(
  args: string[],
  input = '',
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register'), WORKER, ...args],
    {
      input,
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        XDG_RUNTIME_DIR: runtime,
        TS_NODE_PROJECT: join(__dirname, 'support', 'tsconfig.child.json'),
        LOCALAGENT_MASTER_PASSWORD: 'never-in-the-agent',
        OPENAI_API_KEY: 'never-in-the-agent-either',
      },
    },
  );
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/** A fake agent in this process: a socket and a cookie file where the real agent would put them. */
async function fakeAgent(onRequest: (socket: Socket, line: string) => void): Promise<Server> {
  const paths = unlockPaths(configDir, env);
  mkdirSync(paths.dir, { mode: 0o700, recursive: true });
  writeFileSync(paths.cookie, 'c'.repeat(64), { mode: 0o600 });
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) onRequest(socket, text.trim());
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(paths.socket, resolve));
  chmodSync(paths.socket, 0o600);
  return server;
}

beforeEach(() => {
  runtime = mkdtempSync(join(tmpdir(), 'la-run-'));
  chmodSync(runtime, 0o700);
  configDir = mkdtempSync(join(tmpdir(), 'la-cfg-'));
  env = { XDG_RUNTIME_DIR: runtime };
});

afterEach(async () => {
  await stopUnlockAgent({ configDir, env });
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  started.clear();
  rmSync(runtime, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
});

describe('the unlock agent', () => {
  it('outlives the process that started it and gives the key to another process, with nothing of it on disk', async () => {
    const key = randomBytes(32);
    const starter = worker(['start', configDir, ID, '60000'], key.toString('hex'));
    expect(starter.stderr).toBe('');
    const { pid } = JSON.parse(starter.stdout) as { pid: number };
    started.add(pid);
    expect(isAlive(pid)).toBe(true);

    expect(worker(['get', configDir, ID]).stdout).toBe(key.toString('hex'));
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(key)).toBe(true);
    expect(await requestUnlockedKey({ configDir, env, id: 'another:salt' })).toBeUndefined();

    // a minimal environment, and no key in its arguments or in any file of the runtime dir
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toBe('');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`);
    expect(cmdline.includes(key)).toBe(false);
    expect(cmdline.includes(key.toString('hex'))).toBe(false);
    const paths = unlockPaths(configDir, env);
    expect(readFileSync(paths.cookie).includes(key)).toBe(false);
    expect(readFileSync(paths.cookie, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('listens on a 0600 socket beside a 0600 cookie, in a 0700 directory of the user', async () => {
    const agent = await start(randomBytes(32));
    const paths = unlockPaths(configDir, env);
    expect(agent.socketPath).toBe(paths.socket);
    expect(unlockSocketPath(configDir, env)).toBe(paths.socket);
    const mode = (path: string) =>
      spawnSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).stdout.trim();
    expect(mode(paths.dir)).toBe('700');
    expect(mode(paths.socket)).toBe('600');
    expect(mode(paths.cookie)).toBe('600');
  });

  it('reports its pid and expiry, and `stop` wipes it: the socket and cookie go, the process exits', async () => {
    const agent = await start(randomBytes(32));
    const status = await unlockAgentStatus({ configDir, env });
    expect(status).toEqual({ running: true, pid: agent.pid, expiresAt: agent.expiresAt });

    expect(await stopUnlockAgent({ configDir, env })).toBe(true);
    const paths = unlockPaths(configDir, env);
    expect(existsSync(paths.socket)).toBe(false);
    expect(existsSync(paths.cookie)).toBe(false);
    await waitFor(() => !isAlive(agent.pid));
    expect(await unlockAgentStatus({ configDir, env })).toEqual({ running: false });
    expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
    expect(await stopUnlockAgent({ configDir, env })).toBe(false);
  });

  it('expires at its TTL: the key is gone, then the process', async () => {
    const key = randomBytes(32);
    const agent = await start(key, { ttlMs: 1200 });
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(key)).toBe(true);
    await sleep(1300);
    expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
    await waitFor(() => !isAlive(agent.pid));
    expect(existsSync(agent.socketPath)).toBe(false);
  });

  it('replaces the agent of the same config dir, and runs one per config dir', async () => {
    const first = await start(randomBytes(32));
    const second = randomBytes(32);
    const replacing = await start(second);
    await waitFor(() => !isAlive(first.pid));
    expect(isAlive(replacing.pid)).toBe(true);
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(second)).toBe(true);

    const otherDir = mkdtempSync(join(tmpdir(), 'la-cfg-'));
    const otherKey = randomBytes(32);
    try {
      const other = await start(otherKey, { dir: otherDir });
      expect(other.socketPath).not.toBe(replacing.socketPath);
      expect(
        (await requestUnlockedKey({ configDir: otherDir, env, id: ID }))?.equals(otherKey),
      ).toBe(true);
      expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(second)).toBe(true);
    } finally {
      await stopUnlockAgent({ configDir: otherDir, env });
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('names the agent after the resolved config dir (a symlink to it finds the same agent)', () => {
    const link = join(runtime, 'link');
    symlinkSync(configDir, link);
    expect(unlockSocketPath(link, env)).toBe(unlockSocketPath(configDir, env));
    expect(unlockSocketPath(`${configDir}/.`, env)).toBe(unlockSocketPath(configDir, env));
    expect(unlockSocketPath(join(configDir, 'not-yet'), env)).not.toBe(
      unlockSocketPath(configDir, env),
    );
  });

  it('wipes and exits on SIGTERM, and when its socket file is removed', async () => {
    const byTerm = await start(randomBytes(32));
    process.kill(byTerm.pid, 'SIGTERM');
    await waitFor(() => !isAlive(byTerm.pid));
    expect(existsSync(byTerm.socketPath)).toBe(false);

    const byUnlink = await start(randomBytes(32));
    unlinkSync(byUnlink.socketPath);
    await waitFor(() => !isAlive(byUnlink.pid));
  });

  it('treats the socket of a dead agent as no agent, and replaces it', async () => {
    const dead = await start(randomBytes(32));
    process.kill(dead.pid, 'SIGKILL');
    await waitFor(() => !isAlive(dead.pid));
    expect(existsSync(dead.socketPath)).toBe(true);

    expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
    expect(await unlockAgentStatus({ configDir, env })).toEqual({ running: false });
    const key = randomBytes(32);
    await start(key);
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(key)).toBe(true);
  });

  it('`stop` removes the stale socket and cookie of a dead agent and says none was running', async () => {
    const dead = await start(randomBytes(32));
    process.kill(dead.pid, 'SIGKILL');
    await waitFor(() => !isAlive(dead.pid));
    expect(await stopUnlockAgent({ configDir, env })).toBe(false);
    expect(existsSync(dead.socketPath)).toBe(false);
    expect(existsSync(unlockPaths(configDir, env).cookie)).toBe(false);
  });

  it('refuses a client without the cookie', async () => {
    const key = randomBytes(32);
    const agent = await start(key);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      const socket = createConnection(agent.socketPath);
      socket.on('connect', () =>
        socket.write(`${JSON.stringify({ op: 'get', id: ID, cookie: 'f'.repeat(64) })}\n`),
      );
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(JSON.parse(answer)).toEqual({ ok: false, reason: 'refused' });
    expect(Buffer.from(answer).includes(key)).toBe(false);
  });
});

describe('a client of the unlock agent', () => {
  it('costs one failed stat when there is no agent', async () => {
    expect(
      await requestUnlockedKey({
        configDir,
        env: { XDG_RUNTIME_DIR: join(runtime, 'none') },
        id: ID,
      }),
    ).toBeUndefined();
  });

  it('gives up after its timeout on an agent that does not answer', async () => {
    const server = await fakeAgent(() => undefined);
    try {
      const began = Date.now();
      expect(await requestUnlockedKey({ configDir, env, id: ID, timeoutMs: 200 })).toBeUndefined();
      expect(Date.now() - began).toBeLessThan(1500);
    } finally {
      server.close();
    }
  });

  it('ignores answers it cannot read', async () => {
    for (const reply of [
      'not json\n',
      'null\n',
      '{"ok":true,"length":32}\nshort',
      'x'.repeat(5000),
    ]) {
      const server = await fakeAgent((socket) => socket.end(reply));
      try {
        expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
        expect(await unlockAgentStatus({ configDir, env })).toEqual({ running: false });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('never talks to a socket in a directory others can use', async () => {
    let connections = 0;
    const server = await fakeAgent((socket) => {
      connections += 1;
      socket.end('{"ok":true,"length":1}\nA');
    });
    try {
      chmodSync(unlockPaths(configDir, env).dir, 0o755);
      expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
      expect(connections).toBe(0);
      chmodSync(unlockPaths(configDir, env).dir, 0o700);
      expect(await requestUnlockedKey({ configDir, env, id: ID })).toEqual(Buffer.from('A'));
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('starting the unlock agent', () => {
  it('refuses an agent directory that others can use, a parent others can write, and a socket path too long', async () => {
    const paths = unlockPaths(configDir, env);
    mkdirSync(paths.dir, { mode: 0o700 });
    chmodSync(paths.dir, 0o750);
    await expect(start(randomBytes(32))).rejects.toThrow(/has mode 750/);
    await expect(start(randomBytes(32))).rejects.toBeInstanceOf(StorageError);
    rmSync(paths.dir, { recursive: true });

    chmodSync(runtime, 0o777);
    await expect(start(randomBytes(32))).rejects.toThrow(
      /writable by others without the sticky bit/,
    );
    chmodSync(runtime, 0o700);

    writeFileSync(join(runtime, 'localagent'), '');
    await expect(start(randomBytes(32))).rejects.toThrow(/is not a directory/);
    rmSync(join(runtime, 'localagent'));

    const long = join(runtime, 'x'.repeat(90));
    mkdirSync(long, { mode: 0o700 });
    env = { XDG_RUNTIME_DIR: long };
    await expect(start(randomBytes(32))).rejects.toThrow(/socket path is too long/);

    // a stale XDG_RUNTIME_DIR (after su, in a container): a StorageError that says so, not a raw ENOENT
    env = { XDG_RUNTIME_DIR: join(runtime, 'gone') };
    const error = await start(randomBytes(32)).catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Cannot prepare the unlock agent's directory/);
  });

  it('refuses a TTL out of range and an empty key list', async () => {
    for (const ttlMs of [0, -1, Number.NaN, 8 * 24 * 3_600_000])
      await expect(start(randomBytes(32), { ttlMs })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      startUnlockAgent({ configDir, env, entries: [], ttlMs: 1000 }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('reports an agent that fails to listen, and one that does not answer in time', async () => {
    const paths = unlockPaths(configDir, env);
    mkdirSync(paths.socket, { recursive: true, mode: 0o700 }); // a directory where the socket goes
    await expect(start(randomBytes(32))).rejects.toThrow(
      /The unlock agent did not start: .*(EISDIR|EPERM)/,
    );
    rmSync(paths.socket, { recursive: true });

    await expect(
      startUnlockAgent({
        configDir,
        env,
        entries: [{ id: ID, key: randomBytes(32) }],
        ttlMs: 1000,
        startTimeoutMs: 1,
      }),
    ).rejects.toThrow(/no answer within 1 ms/);
  });

  it('uses $TMPDIR/localagent-<uid> when XDG_RUNTIME_DIR is not set', async () => {
    env = { TMPDIR: runtime };
    const key = randomBytes(32);
    const agent = await start(key);
    expect(agent.socketPath.startsWith(join(runtime, `localagent-${process.getuid?.()}`))).toBe(
      true,
    );
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(key)).toBe(true);
    expect(unlockPaths(configDir, {}).dir).toBe(`/tmp/localagent-${process.getuid?.()}`);
    expect(unlockPaths(configDir, { XDG_RUNTIME_DIR: 'relative' }).dir).toBe(
      `/tmp/localagent-${process.getuid?.()}`,
    );
  });
});
