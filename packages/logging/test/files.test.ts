import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
// the built package, as users get it
import { createLogger } from '../dist/index.js';

const DIST = join(__dirname, '..', 'dist', 'index.js');
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'la-files-'));
const logFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
const linesIn = (dir: string): string[] =>
  logFiles(dir).flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
const DATE = '\\d{4}-\\d\\d-\\d\\d';

describe('rotation (built package)', () => {
  it('splits by size into <name>-<date>.log, <name>-<date>.1.log …, extension last, with an explicit audit file', async () => {
    const dir = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log'), maxSize: '10k', maxFiles: 10 },
    });
    for (let i = 0; i < 400; i++) log.info('filling the file', { i, padding: 'x'.repeat(60) });
    await log.close();
    const files = logFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(f).toMatch(new RegExp(`^agent-${DATE}(\\.\\d+)?\\.log$`));
    const first = files.find((f) => /^agent-\d{4}-\d\d-\d\d\.log$/.test(f)) as string;
    expect(files).toContain(first.replace('.log', '.1.log'));
    expect(existsSync(join(dir, '.agent-audit.json'))).toBe(true);
    expect(linesIn(dir)).toHaveLength(400);
  });

  it('prunes old files beyond maxFiles', async () => {
    const dir = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log'), maxSize: '10k', maxFiles: 2 },
    });
    // pruning deletes files that exist: give the file system time to create each one
    for (let i = 0; i < 600; i++) {
      log.info('filling the file', { i, padding: 'x'.repeat(60) });
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await log.close();
    const files = logFiles(dir);
    expect(files).toHaveLength(2);
    const audit = JSON.parse(readFileSync(join(dir, '.agent-audit.json'), 'utf8')) as {
      files: Array<{ name: string }>;
    };
    expect(audit.files.map((f) => f.name.split('/').pop()).sort()).toEqual(files);
    // the newest lines are kept
    expect(linesIn(dir).some((l) => l.includes('"i":599'))).toBe(true);
  });

  it('starts a new file when the period in the date pattern changes (here: every second)', async () => {
    const dir = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log'), datePattern: 'YYYY-MM-DD-HH-mm-ss' },
    });
    log.info('first period');
    const second = new Date().getSeconds();
    while (new Date().getSeconds() === second)
      await new Promise((resolve) => setTimeout(resolve, 50));
    log.info('next period');
    await log.close();
    const files = logFiles(dir);
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^agent-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.log$/);
    expect(linesIn(dir)).toHaveLength(2);
  });

  it('gzips rotated files when asked', async () => {
    const dir = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log'), maxSize: '10k', zippedArchive: true },
    });
    for (let i = 0; i < 300; i++) {
      log.info('filling the file', { i, padding: 'x'.repeat(60) });
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await log.close();
    while (!readdirSync(dir).some((f) => f.endsWith('.log.gz')))
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readdirSync(dir).some((f) => f.endsWith('.log.gz'))).toBe(true);
  });
});

describe('transport errors (built package)', () => {
  const unwritable = (dir: string): string => {
    writeFileSync(join(dir, 'a-file'), '');
    return join(dir, 'a-file', 'agent.log');
  };

  it('trap: winston-daily-rotate-file alone crashes the process on an unwritable path', () => {
    const dir = tempDir();
    const script = `
      const winston = require(${JSON.stringify(require.resolve('winston'))});
      const DailyRotateFile = require(${JSON.stringify(require.resolve('winston-daily-rotate-file'))});
      const logger = winston.createLogger({ transports: [new DailyRotateFile({ filename: ${JSON.stringify(unwritable(dir))} })] });
      logger.info('hello');
      setTimeout(() => console.log('survived'), 200);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).not.toContain('survived');
  });

  it('our logger reports the error once on stderr, keeps the console going and exits normally', () => {
    const dir = tempDir();
    const script = `
      const { createLogger } = require(${JSON.stringify(DIST)});
      const log = createLogger({ format: 'json', console: { stream: 'stdout' }, file: { path: ${JSON.stringify(unwritable(dir))} } });
      log.info('one');
      setTimeout(async () => { log.info('two'); await log.close(); console.log('survived'); }, 100);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => (l.startsWith('{') ? (JSON.parse(l) as { message: string }).message : l)),
    ).toEqual(['one', 'two', 'survived']);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^@localagent\/logging: Cannot write the log file .*agent\.log: ENOTDIR/,
      ),
    ]);
  });
});

describe('bounded memory (built package)', () => {
  it('keeps at most maxQueuedLines waiting for a disk slower than the producer, then drops, counts and says so', async () => {
    const dir = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log') },
      maxQueuedLines: 5_000,
    });
    // a producer that never yields: the disk cannot take a single line meanwhile, the slowest disk there is
    for (let i = 0; i < 30_000; i++) log.info('burst', { i });
    await log.close();
    const lines = linesIn(dir).map(
      (l) =>
        JSON.parse(l) as { message: string; level: string; dropped_lines?: number; i?: number },
    );
    const written = lines.filter((l) => l.message === 'burst');
    // the first 5,000 lines are kept, the rest dropped and counted
    expect(written).toHaveLength(5_000);
    expect(written.map((l) => l.i)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(lines.at(-1)).toMatchObject({ level: 'WARNING', dropped_lines: 25_000 });
  });

  it('with a reader slower than the producer (a FIFO drained slowly by another process), drops and counts instead of growing', async () => {
    const dir = tempDir();
    // with utc: true the file for today is agent-<UTC date>.log: make it a FIFO
    const fifo = join(dir, `agent-${new Date().toISOString().slice(0, 10)}.log`);
    execFileSync('mkfifo', [fifo]);
    const received = join(dir, 'received.txt');
    // reads 4 KiB every 2 ms (about 2 MB/s) and copies what it reads to received.txt
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs');
         const input = fs.openSync(process.argv[1], 'r');
         const output = fs.openSync(process.argv[2], 'w');
         const buffer = Buffer.alloc(4096);
         const step = () => {
           const n = fs.readSync(input, buffer, 0, buffer.length, null);
           if (n === 0) { fs.closeSync(output); return; }
           fs.writeSync(output, buffer.subarray(0, n));
           setTimeout(step, 2);
         };
         step();`,
        fifo,
        received,
      ],
      { stdio: 'ignore' },
    );
    const readerDone = new Promise((resolve) => reader.on('exit', resolve));
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'agent.log'), utc: true },
      maxQueuedLines: 2_000,
    });
    const total = 60_000;
    for (let i = 0; i < total; i++) {
      log.info('fast producer', { i, padding: 'x'.repeat(40) });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    await readerDone;
    const lines = readFileSync(received, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { i?: number; dropped_lines?: number });
    const written = lines.filter((l) => l.i !== undefined);
    const dropped = lines.reduce((n, l) => n + (l.dropped_lines ?? 0), 0);
    expect(dropped).toBeGreaterThan(0);
    expect(written.length + dropped).toBe(total);
    // what was kept is whole and in order
    const order = written.map((l) => l.i as number);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 30_000);

  it('loses nothing when the producer yields every 1,000 lines', async () => {
    const dir = tempDir();
    const log = createLogger({ console: false, file: { path: join(dir, 'agent.log') } });
    for (let i = 0; i < 30_000; i++) {
      log.info('steady', { i });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    const lines = linesIn(dir);
    expect(lines).toHaveLength(30_000);
    expect(lines.some((l) => l.includes('dropped'))).toBe(false);
  });
});

describe('winston traps, pinned', () => {
  it('winston runs formats even for disabled levels (so we check the level first)', () => {
    let formatted = 0;
    const counting = winston.format((info) => {
      formatted += 1;
      return info;
    });
    const logger = winston.createLogger({
      level: 'info',
      format: counting(),
      transports: [new winston.transports.Stream({ stream: process.stdout, silent: true })],
    });
    logger.debug('disabled');
    expect(formatted).toBe(1);
    let touched = 0;
    createLogger({ console: false, level: 'info' }).debug('disabled', {
      get field(): number {
        touched += 1;
        return 1;
      },
    });
    expect(touched).toBe(0);
  });

  it("winston-daily-rotate-file's finish fires before the lines are on disk; our close() waits for them", async () => {
    const dir = tempDir();
    const transport = new DailyRotateFile({ filename: join(dir, 'plain-%DATE%.log') });
    const logger = winston.createLogger({ transports: [transport] });
    for (let i = 0; i < 20_000; i++) logger.info('line', { i });
    const onDiskAtFinish = await new Promise<number>((resolve) => {
      transport.on('finish', () => resolve(linesIn(dir).length));
      logger.end();
    });
    expect(onDiskAtFinish).toBeLessThan(20_000);

    const ours = tempDir();
    const log = createLogger({
      console: false,
      file: { path: join(ours, 'agent.log') },
      maxQueuedLines: 20_000,
    });
    for (let i = 0; i < 20_000; i++) log.info('line', { i });
    await log.close();
    expect(linesIn(ours)).toHaveLength(20_000);
  });
});

describe('closing while still logging', () => {
  it('winston throws "write after end" for a line logged after end(); our logger ignores lines after close()', async () => {
    const logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: process.stdout, silent: true })],
    });
    logger.end();
    expect(() => logger.info('late')).toThrow('write after end');

    const dir = tempDir();
    const log = createLogger({ console: false, file: { path: join(dir, 'agent.log') } });
    const producing = (async () => {
      for (let i = 0; i < 5_000; i++) {
        log.info('busy', { i });
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    await log.close();
    await expect(producing).resolves.toBeUndefined();
    const lines = linesIn(dir);
    // whatever was logged before close() is complete and whole; nothing after it
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(5_000);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(
      Array.from({ length: lines.length }, (_, i) => i),
    );
  });
});

describe('the build', () => {
  it('is current: dist exists', () => {
    expect(existsSync(DIST)).toBe(true);
    expect(() =>
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(DIST)})`]),
    ).not.toThrow();
  });
});
