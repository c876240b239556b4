// Another user must not get the key of the unlock agent. Runs as root with the throwaway user
// `localagent-peer` (.ci/run creates it); skipped elsewhere, except in CI, where it must run.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestUnlockedKey, startUnlockAgent, stopUnlockAgent } from '../src/unlock/index';
import { unlockPaths } from '../src/unlock/paths';

const PEER = 'localagent-peer';
const ID = 'scrypt-n17-r8-p1:ffeeddccbbaa99887766554433221100';

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, PEER], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

const uid = idOf('-u');
const gid = idOf('-g');
const runnable = process.getuid?.() === 0 && uid !== undefined && gid !== undefined;
const suite = runnable || process.env['CI'] === 'true' ? describe : describe.skip;

/** What the other user gets: the cookie file, then a `get` on the socket (with the cookie if it read one). */
const ATTACK = String.raw`
const fs = require('fs');
const net = require('net');
const [socketPath, cookiePath, id] = process.argv.slice(1);
const report = { uid: process.getuid() };
try { report.cookie = fs.readFileSync(cookiePath, 'utf8'); } catch (error) { report.cookieError = error.code; }
const socket = net.createConnection(socketPath);
const received = [];
socket.on('connect', () => socket.write(JSON.stringify({ op: 'get', id, cookie: report.cookie || 'f'.repeat(64) }) + '\n'));
socket.on('data', (chunk) => received.push(chunk));
socket.on('error', (error) => { report.connectError = error.code; });
socket.on('close', () => {
  report.answer = Buffer.concat(received).toString('hex');
  process.stdout.write(JSON.stringify(report));
});
`;

interface AttackReport {
  uid: number;
  cookie?: string;
  cookieError?: string;
  connectError?: string;
  answer: string;
}

function attackAsPeer(socketPath: string, cookiePath: string): Promise<AttackReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ATTACK, socketPath, cookiePath, ID], {
      uid: uid as number,
      gid: gid as number,
      cwd: '/',
      env: {},
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as AttackReport);
      } catch {
        reject(new Error(`the peer client failed: ${stderr}`));
      }
    });
  });
}

suite('the unlock agent refuses another user', () => {
  let runtime: string;
  let configDir: string;
  let env: Record<string, string | undefined>;

  beforeAll(() => {
    if (!runnable)
      throw new Error(`CI runs this as root with the user ${PEER}: see .ci/run (useradd ${PEER})`);
  });

  beforeEach(() => {
    runtime = mkdtempSync(join(tmpdir(), 'la-peer-'));
    chmodSync(runtime, 0o700);
    configDir = mkdtempSync(join(tmpdir(), 'la-cfg-'));
    env = { XDG_RUNTIME_DIR: runtime };
  });

  afterEach(async () => {
    await stopUnlockAgent({ configDir, env });
    rmSync(runtime, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  it('another uid can neither read the cookie nor connect to the socket', async () => {
    const key = randomBytes(32);
    const agent = await startUnlockAgent({
      configDir,
      env,
      entries: [{ id: ID, key }],
      ttlMs: 60_000,
    });
    const paths = unlockPaths(configDir, env);
    const report = await attackAsPeer(agent.socketPath, paths.cookie);
    expect(report.uid).toBe(uid);
    expect(report.cookieError).toBe('EACCES');
    expect(report.connectError).toBe('EACCES');
    expect(report.answer).toBe('');
    // the owner still gets it
    expect((await requestUnlockedKey({ configDir, env, id: ID }))?.equals(key)).toBe(true);
  });

  it('with the directories opened up by mistake, the cookie still keeps the key from it', async () => {
    const key = randomBytes(32);
    const agent = await startUnlockAgent({
      configDir,
      env,
      entries: [{ id: ID, key }],
      ttlMs: 60_000,
    });
    const paths = unlockPaths(configDir, env);
    chmodSync(runtime, 0o711);
    chmodSync(paths.dir, 0o711);
    chmodSync(agent.socketPath, 0o666);
    const report = await attackAsPeer(agent.socketPath, paths.cookie);
    expect(report.cookieError).toBe('EACCES');
    expect(report.connectError).toBeUndefined();
    const answer = Buffer.from(report.answer, 'hex');
    expect(JSON.parse(answer.toString('utf8'))).toEqual({ ok: false, reason: 'refused' });
    expect(answer.includes(key)).toBe(false);
    // and our own client no longer trusts a directory others can enter
    expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
  });

  it('neither trusts nor reuses an agent directory another user owns', async () => {
    const paths = unlockPaths(configDir, env);
    mkdirSync(paths.dir, { mode: 0o700 });
    writeFileSync(paths.cookie, 'c'.repeat(64), { mode: 0o600 });
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.end('{"ok":true,"length":4}\nfake');
    });
    await new Promise<void>((resolve) => server.listen(paths.socket, resolve));
    try {
      chmodSync(paths.socket, 0o600);
      for (const path of [paths.dir, paths.socket, paths.cookie])
        chownSync(path, uid as number, gid as number);
      expect(await requestUnlockedKey({ configDir, env, id: ID })).toBeUndefined();
      expect(connections).toBe(0);
      await expect(
        startUnlockAgent({
          configDir,
          env,
          entries: [{ id: ID, key: randomBytes(32) }],
          ttlMs: 60_000,
        }),
      ).rejects.toThrow(`is owned by uid ${uid}, not 0`);
    } finally {
      server.close();
    }
  });
});
