import { spawnSync } from 'node:child_process';
import {
  readFileSync,
  statSync,
  writeFileSync,
  utimesSync,
  existsSync,
  chmodSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../test/support/fixtures';
import { AuditLog, AUDIT_GENESIS, verifyAuditLog } from './audit-log';
import { acquireLockSync } from './file-lock';

describe('audit log', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = tempDir('la-audit-');
    path = join(dir, 'audit.log');
  });
  afterEach(() => removeDir(dir));

  function writeFive(): string[] {
    const log = new AuditLog({ path, now: () => new Date('2026-01-02T03:04:05.000Z') });
    log.append({
      action: 'store',
      outcome: 'success',
      provider: 'openai',
      backend: 'file',
      fingerprint: 'sk-proj-…a1b2',
    });
    log.append({ action: 'retrieve', outcome: 'success', provider: 'openai', backend: 'file' });
    log.append({ action: 'list', outcome: 'success' });
    log.append({
      action: 'rotate',
      outcome: 'failure',
      provider: 'openai',
      code: 'LA_KEY_INVALID',
    });
    log.append({ action: 'delete', outcome: 'not_found', provider: 'gemini', backend: 'none' });
    return readFileSync(path, 'utf8').trimEnd().split('\n');
  }

  it('appends one hash-chained JSON line per action, 0600, starting from the documented genesis', async () => {
    const lines = writeFive();
    expect(lines).toHaveLength(5);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      ts: '2026-01-02T03:04:05.000Z',
      action: 'store',
      outcome: 'success',
      provider: 'openai',
      backend: 'file',
      pid: process.pid,
      prev: AUDIT_GENESIS,
    });
    expect(typeof first['user']).toBe('string');
    expect(JSON.parse(lines[1]!).prev).toBe(first['hash']);
    expect(JSON.parse(lines[3]!).code).toBe('LA_KEY_INVALID');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(verifyAuditLog(path)).resolves.toEqual({ ok: true, entries: 5 });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('reports the first broken line when a line is edited, removed or reordered', async () => {
    const lines = writeFive();
    const variants: Array<[string[], number]> = [
      [lines.map((l, i) => (i === 2 ? l.replace('"list"', '"lust"') : l)), 3],
      [lines.map((l, i) => (i === 4 ? l.replace('gemini', 'openai') : l)), 5],
      [lines.filter((_, i) => i !== 1), 2],
      [[lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!], 2],
      [['not json', ...lines.slice(1)], 1],
      [[lines[0]!, '', ...lines.slice(1)], 2],
      [[`${lines[0]!.slice(0, -1)},"extra":1}`, ...lines.slice(1)], 1],
    ];
    for (const [content, bad] of variants) {
      const copy = join(dir, `copy-${bad}.log`);
      writeFileSync(copy, `${content.join('\n')}\n`);
      await expect(verifyAuditLog(copy)).resolves.toEqual({
        ok: false,
        entries: content.length,
        firstBadLine: bad,
      });
    }
  });

  it('verifies a missing log as empty, and an unreadable one as a StorageError', async () => {
    await expect(verifyAuditLog(join(dir, 'none.log'))).resolves.toEqual({ ok: true, entries: 0 });
    await expect(verifyAuditLog(dir)).rejects.toMatchObject({ code: 'LA_STORAGE_FAILED' });
  });

  it('chains after a damaged last line, so the damage stays visible', async () => {
    writeFive();
    writeFileSync(path, `${readFileSync(path, 'utf8')}garbage\n`);
    new AuditLog({ path }).append({ action: 'list', outcome: 'success' });
    await expect(verifyAuditLog(path)).resolves.toEqual({ ok: false, entries: 7, firstBadLine: 6 });
  });

  it('refuses to append through a symlink', () => {
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'untouched\n');
    symlinkSync(target, path);
    expect(() => new AuditLog({ path }).append({ action: 'list', outcome: 'success' })).toThrow();
    expect(readFileSync(target, 'utf8')).toBe('untouched\n');
  });

  it('repairs a looser mode', () => {
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    new AuditLog({ path }).append({ action: 'list', outcome: 'success' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
  // several processes appending at once: test/concurrency.test.ts (20 processes, one chain)
});

describe('acquireLockSync', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-lock-');
  });
  afterEach(() => removeDir(dir));

  it('takes over a lock whose process is gone', () => {
    const lock = join(dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    writeFileSync(lock, `${dead}:abc`);
    const release = acquireLockSync(lock);
    expect(readFileSync(lock, 'utf8').startsWith(`${process.pid}:`)).toBe(true);
    release();
    expect(existsSync(lock)).toBe(false);
    release(); // releasing twice is harmless
  });

  it('takes over an old lock, and an empty one left by a crash', () => {
    const lock = join(dir, 'y.lock');
    for (const content of [`${process.pid}:held`, '']) {
      writeFileSync(lock, content);
      const past = new Date(Date.now() - 60_000);
      utimesSync(lock, past, past);
      acquireLockSync(lock)();
    }
  });

  it('times out on a live, fresh lock held by someone else', () => {
    const lock = join(dir, 'z.lock');
    writeFileSync(lock, `${process.ppid}:other`);
    expect(() => acquireLockSync(lock, 150)).toThrow(/Timed out/);
    expect(() => acquireLockSync(join(dir, 'missing', 'w.lock'))).toThrow(/Cannot create the lock/);
  });
});
