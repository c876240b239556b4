/**
 * A child process for test/lock-processes.test.ts, run from the sources with
 * `node -r ts-node/register` and TS_NODE_PROJECT=test/support/tsconfig.child.json:
 *
 *   count <sync|async> <lockPath> <counterPath> <n>  waits for "go" on stdin, then n times: takes the
 *       lock, reads the counter, sleeps 1 ms, writes counter + 1, releases. Prints the number of
 *       times it found another holder inside the critical section (an O_EXCL marker file).
 *   audit <auditPath> <n>                             waits for "go", then appends n audit lines.
 *   hold <lockPath>                                   takes the lock (async), prints "held", and
 *       releases when stdin says "release" (then prints "released" and exits).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog } from '../../src/audit-log';
import { acquireLock, acquireLockSync } from '../../src/file-lock';

const lines = createInterface({ input: process.stdin });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
const pause = new Int32Array(new SharedArrayBuffer(4));

async function count(
  mode: string,
  lockPath: string,
  counterPath: string,
  n: number,
): Promise<void> {
  let overlaps = 0;
  const inside = `${lockPath}.inside`;
  for (let i = 0; i < n; i += 1) {
    const release =
      mode === 'sync' ? acquireLockSync(lockPath) : (await acquireLock(lockPath)).release;
    let marker: number | undefined;
    try {
      marker = openSync(inside, 'wx');
    } catch {
      overlaps += 1;
    }
    const value = Number(readFileSync(counterPath, 'utf8'));
    if (mode === 'sync') Atomics.wait(pause, 0, 0, 1);
    else await sleep(1);
    writeFileSync(counterPath, String(value + 1));
    if (marker !== undefined) {
      closeSync(marker);
      unlinkSync(inside);
    }
    release();
  }
  process.stdout.write(`overlaps ${overlaps}\n`);
}

async function main(): Promise<void> {
  const [job, ...args] = process.argv.slice(2);
  if (job === 'count') {
    const [mode = '', lockPath = '', counterPath = '', n = ''] = args;
    process.stdout.write('ready\n');
    await nextLine();
    await count(mode, lockPath, counterPath, Number(n));
  } else if (job === 'audit') {
    const [auditPath = '', n = ''] = args;
    const log = new AuditLog({ path: auditPath });
    process.stdout.write('ready\n');
    await nextLine();
    for (let i = 0; i < Number(n); i += 1) log.append({ action: 'list', outcome: 'success' });
  } else if (job === 'hold') {
    const lock = await acquireLock(args[0] ?? '');
    process.stdout.write('held\n');
    while ((await nextLine()) !== 'release');
    lock.release();
    process.stdout.write('released\n');
  } else {
    throw new Error(`unknown job ${String(job)}`);
  }
  lines.close();
}

main().catch((error: unknown) => {
  process.stderr.write(String((error as Error).stack ?? error));
  process.exit(1);
});
