import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from './support/fixtures';
import { acquireLock } from '../src/file-lock';
import { verifyAuditLog } from '../src/audit-log';

// The lock of src/file-lock.ts between real processes (run from the sources: test/support/lock-worker.ts).
const WORKER = join(__dirname, 'support', 'lock-worker.ts');
const TS_NODE_PROJECT = join(__dirname, 'support', 'tsconfig.child.json');

interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  /** Resolves with the exit code once stdout and stderr are closed. */
  exit: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register'), WORKER, ...args],
    {
      env: { ...process.env, TS_NODE_PROJECT },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of [...waiters]) {
      const found = stdout.split('\n').find((l) => l.startsWith(waiter.prefix));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<Awaited<Worker['exit']>>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const line = (prefix: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const found = stdout.split('\n').find((l) => l.startsWith(prefix));
      if (found !== undefined) return resolve(found);
      waiters.push({ prefix, resolve });
      void exit.then((r) =>
        reject(
          new Error(
            `worker exited (${r.code ?? r.signal}) before printing "${prefix}": ${r.stderr}`,
          ),
        ),
      );
    });
  return { child, line, exit };
}

/** Starts the workers, waits until every one is ready, then lets them all go at once. */
async function runTogether(argsList: string[][]): Promise<Array<Awaited<Worker['exit']>>> {
  const workers = argsList.map(startWorker);
  await Promise.all(workers.map((w) => w.line('ready')));
  for (const w of workers) w.child.stdin.write('go\n');
  const results = await Promise.all(workers.map((w) => w.exit));
  for (const r of results)
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return results;
}

describe('the file lock between processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-lock-proc-');
  });
  afterEach(() => removeDir(dir));

  it('never lets two processes hold it at once: no lost increment, sync and async acquirers mixed', async () => {
    const lock = join(dir, 'counter.lock');
    const counter = join(dir, 'counter');
    writeFileSync(counter, '0');
    const n = 40;
    const results = await runTogether(
      ['sync', 'sync', 'async', 'async'].map((mode) => ['count', mode, lock, counter, String(n)]),
    );
    expect(results.map((r) => r.stdout.trim().split('\n').pop())).toEqual(
      Array(4).fill('overlaps 0'),
    );
    expect(readFileSync(counter, 'utf8')).toBe(String(4 * n));
  }, 60_000);

  it('keeps one audit chain when processes append at once', async () => {
    const audit = join(dir, 'audit.log');
    await runTogether([0, 1, 2].map(() => ['audit', audit, '30']));
    await expect(verifyAuditLog(audit)).resolves.toEqual({ ok: true, entries: 90 });
  }, 60_000);

  it('makes a second process wait for a live holder, then get the lock once it is released', async () => {
    const lock = join(dir, 'held.lock');
    const holder = startWorker(['hold', lock]);
    await holder.line('held');
    let settled = false;
    const acquiring = acquireLock(lock, 20_000, 60_000).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(settled).toBe(false); // a live holder's fresh lock is waited for
    holder.child.stdin.write('release\n');
    await holder.line('released');
    const mine = await acquiring;
    expect(readFileSync(lock, 'utf8').startsWith(`${process.pid}:`)).toBe(true);
    mine.release();
    expect((await holder.exit).code).toBe(0);
  }, 30_000);

  it('takes over at once the lock of a holder killed with SIGKILL, without waiting for the stale age', async () => {
    const lock = join(dir, 'killed.lock');
    const holder = startWorker(['hold', lock]);
    await holder.line('held');
    const holderPid = holder.child.pid;
    holder.child.kill('SIGKILL');
    expect((await holder.exit).signal).toBe('SIGKILL');
    expect(readFileSync(lock, 'utf8').startsWith(`${holderPid}:`)).toBe(true); // no exit handler ran
    const started = Date.now();
    const mine = await acquireLock(lock, 5_000, 60_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(readFileSync(lock, 'utf8').startsWith(`${process.pid}:`)).toBe(true);
    mine.release();
  }, 30_000);
});
