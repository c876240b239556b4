import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AuthenticationError, StorageError } from '@localagent/errors';
import { Capture } from './__fixtures__/capture';
import { inSpan, SPAN_ID, TRACE_ID } from './__fixtures__/otel';
import { getContext, newRequestId, withContext } from './context';
import { createLogger, type LoggerOptions } from './logger';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function capture(options: LoggerOptions = {}): {
  out: Capture;
  log: ReturnType<typeof createLogger>;
} {
  const out = new Capture();
  const log = createLogger({ format: 'json', console: { stream: out }, ...options });
  return { out, log };
}

describe('JSON lines', () => {
  it('writes timestamp, upper-case level, message, service and meta', async () => {
    const { out, log } = capture({
      service: 'agent',
      now: () => new Date('2026-01-02T03:04:05.678Z'),
    });
    log.info('hello', { model: 'm1', tokens: 12 });
    log.warning('careful');
    log.critical('down');
    await tick();
    expect(out.records()).toEqual([
      {
        timestamp: '2026-01-02T03:04:05.678Z',
        level: 'INFO',
        message: 'hello',
        service: 'agent',
        model: 'm1',
        tokens: 12,
      },
      {
        timestamp: '2026-01-02T03:04:05.678Z',
        level: 'WARNING',
        message: 'careful',
        service: 'agent',
      },
      {
        timestamp: '2026-01-02T03:04:05.678Z',
        level: 'CRITICAL',
        message: 'down',
        service: 'agent',
      },
    ]);
  });

  it('keeps its own fields when meta uses the same names', async () => {
    const { out, log } = capture();
    log.info('real', { message: 'fake', level: 'DEBUG', timestamp: 'then' });
    await tick();
    expect(out.records()[0]).toMatchObject({ message: 'real', level: 'INFO' });
    expect(out.records()[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('carries the request context across awaits, timers and promise chains', async () => {
    const { out, log } = capture();
    const requestId = newRequestId();
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await withContext({ requestId, user: 'u1' }, async () => {
      log.info('start');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.info('after timer');
      await Promise.resolve()
        .then(() => tick())
        .then(() => log.info('in chain'));
      await withContext({ step: 2 }, async () => {
        expect(getContext()).toEqual({ requestId, user: 'u1', step: 2 });
        log.info('nested');
      });
    });
    log.info('outside');
    await tick();
    const records = out.records();
    expect(records.slice(0, 3).map((r) => r.requestId)).toEqual([requestId, requestId, requestId]);
    expect(records[3]).toMatchObject({ requestId, user: 'u1', step: 2 });
    expect(records[4]?.requestId).toBeUndefined();
    expect(getContext()).toEqual({});
  });

  it('adds trace_id and span_id of the active OpenTelemetry span', async () => {
    const { out, log } = capture();
    inSpan(() => log.info('traced'));
    log.info('untraced');
    await tick();
    expect(out.records()[0]).toMatchObject({ trace_id: TRACE_ID, span_id: SPAN_ID });
    expect(out.records()[1]?.trace_id).toBeUndefined();
  });

  it('turns an error passed as meta into error: { name, code, category, message }, without stack at info', async () => {
    const { out, log } = capture();
    log.error('login failed', new AuthenticationError({ message: 'bad key', provider: 'openai' }));
    log.error('plain', Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    log.error('as field', { err: new TypeError('nope'), attempt: 2 });
    log.error('as error field', { error: new RangeError('far') });
    await tick();
    const [auth, plain, asField, asErrorField] = out.records();
    expect(auth?.error).toEqual({
      name: 'AuthenticationError',
      code: 'LA_AUTH_FAILED',
      category: 'user',
      message: 'bad key',
    });
    // code and category come from @localagent/errors' classifyError
    expect(plain?.error).toEqual({
      name: 'Error',
      code: 'LA_STORAGE_FAILED',
      category: 'system',
      message: 'disk full',
    });
    expect(asField).toMatchObject({ attempt: 2, error: { name: 'TypeError', message: 'nope' } });
    expect(asField?.err).toBeUndefined();
    expect(asErrorField?.error).toEqual({
      name: 'RangeError',
      code: 'LA_INTERNAL',
      category: 'system',
      message: 'far',
    });
  });

  it('includes stacks (and causes) at debug level or with LOCALAGENT_DEBUG=1 only', async () => {
    const error = new Error('outer', { cause: new Error('inner') });
    const debug = capture({ level: 'debug' });
    const flagged = capture({ env: { LOCALAGENT_DEBUG: '1' } });
    const normal = capture({ env: {} });
    for (const { log } of [debug, flagged, normal]) log.error('failed', error);
    await tick();
    expect((debug.out.records()[0]?.error as { stack?: string }).stack).toContain('logger.test');
    expect(flagged.out.records()[0]?.error).toMatchObject({
      stack: expect.stringContaining('Error: outer'),
      cause: { message: 'inner', stack: expect.any(String) },
    });
    expect(normal.out.records()[0]?.error).toEqual({
      name: 'Error',
      code: 'LA_INTERNAL',
      category: 'system',
      message: 'outer',
      cause: { name: 'Error', code: 'LA_INTERNAL', category: 'system', message: 'inner' },
    });
  });

  it('child loggers add their fields; defaultMeta is on every line', async () => {
    const { out, log } = capture({ defaultMeta: { app: 'cli' } });
    const child = log.child({ component: 'router' }).child({ provider: 'openai' });
    child.info('routed');
    log.info('root');
    await tick();
    expect(out.records()[0]).toMatchObject({ app: 'cli', component: 'router', provider: 'openai' });
    expect(out.records()[1]).toEqual(expect.not.objectContaining({ component: 'router' }));
  });

  it('startTimer and time log duration_ms and the outcome, and time rethrows', async () => {
    const { out, log } = capture();
    const ms = log.startTimer('load', { file: 'a' }).done({ rows: 3 });
    expect(ms).toBeGreaterThanOrEqual(0);
    await expect(log.time('work', async () => 42, { job: 1 })).resolves.toBe(42);
    await expect(log.time('broken', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(log.time('thrown string', () => Promise.reject('just text'))).rejects.toBe(
      'just text',
    );
    await tick();
    const [timer, work, broken, text] = out.records();
    expect(timer).toMatchObject({ message: 'load', file: 'a', rows: 3, duration_ms: ms });
    expect(work).toMatchObject({
      level: 'INFO',
      message: 'work',
      job: 1,
      outcome: 'success',
      duration_ms: expect.any(Number),
    });
    expect(broken).toMatchObject({
      level: 'ERROR',
      outcome: 'failure',
      error: { name: 'Error', message: 'no' },
    });
    expect(text).toMatchObject({
      outcome: 'failure',
      error: { name: 'NonError', message: 'just text' },
    });
  });
});

describe('levels', () => {
  it('writes only lines at or above the level', async () => {
    const { out, log } = capture({ level: 'warning' });
    expect([
      log.isLevelEnabled('info'),
      log.isLevelEnabled('warning'),
      log.isLevelEnabled('critical'),
    ]).toEqual([false, true, true]);
    log.debug('d');
    log.info('i');
    log.warning('w');
    log.error('e');
    log.critical('c');
    await tick();
    expect(out.records().map((r) => r.level)).toEqual(['WARNING', 'ERROR', 'CRITICAL']);
  });

  it('builds nothing for a disabled level: no getter or toJSON of the meta runs', () => {
    const { log } = capture({ level: 'info' });
    let touched = 0;
    const meta = {
      get expensive(): string {
        touched += 1;
        return 'x';
      },
      toJSON(): unknown {
        touched += 1;
        return {};
      },
    };
    log.debug('skipped', meta);
    expect(touched).toBe(0);
    log.info('written', meta);
    expect(touched).toBeGreaterThan(0);
  });
});

describe('formats', () => {
  const record = (format: LoggerOptions['format']) => {
    const { out, log } = capture({
      format,
      service: 'agent',
      now: () => new Date('2026-01-02T03:04:05.678Z'),
      level: 'debug',
    });
    inSpan(() =>
      log.error('call failed', {
        requestId: 'r1',
        duration_ms: 1.5,
        error: new AuthenticationError({ message: 'bad key', provider: 'openai' }),
      }),
    );
    return out;
  };

  it('ecs: @timestamp, log.level, message, ecs.version, service.name, error.*, trace.id/span.id', async () => {
    const out = record('ecs');
    await tick();
    const line = out.records()[0] as Record<string, unknown>;
    expect(line).toMatchObject({
      '@timestamp': '2026-01-02T03:04:05.678Z',
      'log.level': 'ERROR',
      message: 'call failed',
      'ecs.version': expect.any(String),
      'service.name': 'agent',
      'trace.id': TRACE_ID,
      'span.id': SPAN_ID,
      'event.duration': 1_500_000,
      error: {
        type: 'AuthenticationError',
        message: 'bad key',
        code: 'LA_AUTH_FAILED',
        stack_trace: expect.any(String),
      },
    });
  });

  it('datadog: status, service, dd.trace_id/dd.span_id in decimal, error.kind, duration in ns', async () => {
    const out = record('datadog');
    await tick();
    expect(out.records()[0]).toMatchObject({
      timestamp: '2026-01-02T03:04:05.678Z',
      status: 'ERROR',
      service: 'agent',
      message: 'call failed',
      duration: 1_500_000,
      dd: {
        trace_id: BigInt(`0x${TRACE_ID.slice(16)}`).toString(),
        span_id: BigInt(`0x${SPAN_ID}`).toString(),
        service: 'agent',
      },
      error: {
        kind: 'AuthenticationError',
        message: 'bad key',
        code: 'LA_AUTH_FAILED',
        stack: expect.any(String),
      },
    });
  });

  it('pretty: one readable line plus the error', async () => {
    const out = record('pretty');
    await tick();
    expect(out.text).toContain('2026-01-02T03:04:05.678Z ERROR    [agent] call failed');
    expect(out.text).toContain('requestId=r1');
    expect(out.text).toContain('AuthenticationError [LA_AUTH_FAILED]: bad key');
  });

  it('defaults to pretty on a TTY and json otherwise', async () => {
    const tty = Object.assign(new Capture(), { isTTY: true });
    createLogger({ console: { stream: tty } }).info('x', { a: 'b c' });
    const plain = new Capture();
    createLogger({ console: { stream: plain } }).info('x');
    await tick();
    expect(tty.text).toMatch(/INFO {5}x a="b c"/);
    expect(JSON.parse(plain.text)).toMatchObject({ message: 'x' });
  });
});

describe('masking through the logger', () => {
  it('masks fields, patterns, user keys and patterns; the caller object is not mutated', async () => {
    const { out, log } = capture({ redact: { keys: ['customerRef'], patterns: [/acct-\d{6}/] } });
    const key = ['sk', 'ant', 'api03', 'B'.repeat(30)].join('-');
    const meta = {
      headers: { Authorization: `Bearer ${'x'.repeat(24)}` },
      customerRef: 'c-1',
      note: `account acct-123456 uses ${key}`,
      tokens: 99,
    };
    const before = structuredClone(meta);
    log.info(`key ${key}`, meta);
    await tick();
    expect(meta).toEqual(before);
    expect(out.records()[0]).toMatchObject({
      message: 'key [REDACTED]',
      headers: { Authorization: '[REDACTED]' },
      customerRef: '[REDACTED]',
      note: 'account [REDACTED] uses [REDACTED]',
      tokens: 99,
    });
    expect(out.text).not.toContain(key);
  });
});

describe('outputs', () => {
  it('writes to stdout or stderr, or nowhere', () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      createLogger({ console: { stream: 'stdout' }, format: 'json' }).info('to stdout');
      createLogger({ format: 'json' }).info('to stderr');
      createLogger({ console: false }).info('nowhere');
      expect(stdout.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringContaining('to stdout'),
      ]);
      expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringContaining('to stderr'),
      ]);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });

  it('ignores lines after close, and close is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-log-'));
    const { out, log } = capture({ file: { path: join(dir, 'app.log') } });
    log.info('before');
    await Promise.all([log.close(), log.close()]);
    expect(() => log.info('after')).not.toThrow();
    await log.child({ a: 1 }).close();
    expect(out.lines()).toHaveLength(1);
    const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
    expect(files).toEqual([expect.stringMatching(/^app-\d{4}-\d\d-\d\d\.log$/)]);
    expect(
      readFileSync(join(dir, files[0] as string), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
  });

  it('reports a file that cannot be written to onError, keeps logging to the console, never throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-log-'));
    writeFileSync(join(dir, 'not-a-dir'), '');
    const errors: Error[] = [];
    const { out, log } = capture({
      file: { path: join(dir, 'not-a-dir', 'app.log') },
      onError: (e) => errors.push(e),
    });
    log.info('one');
    await tick();
    log.info('two');
    await log.close();
    expect(out.lines()).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(StorageError.isInstance(errors[0])).toBe(true);
    expect(errors[0]?.message).toContain('not-a-dir');
  });

  it('reports a path it cannot even create once on stderr by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-log-'));
    writeFileSync(join(dir, 'file'), '');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const log = createLogger({
        console: false,
        file: { path: join(dir, 'file', 'sub', 'app.log') },
      });
      log.info('lost');
      await log.close();
      const calls = stderr.mock.calls.map((c) => String(c[0]));
      expect(calls).toEqual([
        expect.stringContaining('@localagent/logging: Cannot write the log file'),
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('a console stream that fails (EPIPE) is reported, not fatal', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const errors: Error[] = [];
    const log = createLogger({
      format: 'json',
      console: { stream: broken },
      onError: (e) => errors.push(e),
    });
    log.info('into the void');
    await tick();
    expect(errors.map((e) => e.message)).toEqual(['write EPIPE']);
    await log.close();
  });

  it('the drop notice survives a clock that fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-log-'));
    let calls = 0;
    const log = createLogger({
      console: false,
      file: { path: join(dir, 'app.log') },
      maxQueuedLines: 2,
      onError: () => undefined,
      // good for the lines, broken by the time the notice is written
      now: () => (++calls <= 5 ? new Date() : new Date(Number.NaN)),
    });
    for (let i = 0; i < 5; i++) log.info('line', { i });
    await log.close();
    const lines = readFileSync(
      join(dir, readdirSync(dir).find((f) => f.endsWith('.log')) as string),
      'utf8',
    )
      .trim()
      .split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toEqual({
      level: 'WARNING',
      message: 'dropped 3 log lines: the log file could not keep up',
      dropped_lines: 3,
    });
  });

  it('a throwing onError or a record that cannot be built does not reach the caller', async () => {
    const { out, log } = capture({
      onError: () => {
        throw new Error('reporter broke');
      },
      now: () => new Date(Number.NaN),
    });
    expect(() => log.info('x')).not.toThrow();
    await tick();
    expect(out.text).toBe('');
  });
});

describe('errors raised while a record is built', () => {
  // a getter that throws with a key in its message must not carry the key to stderr or onError
  const key = ['sk', 'proj', `Q${'q'.repeat(30)}${Date.now()}`].join('-');
  const hostile = (): Record<string, unknown> => ({
    get foo(): string {
      throw new Error(`invalid key ${key}`);
    },
  });

  it('hands onError a masked copy', async () => {
    const seen: Error[] = [];
    const { log } = capture({ onError: (error) => seen.push(error) });
    log.info('x', hostile());
    await tick();
    expect(seen).toHaveLength(1);
    expect(`${seen[0]?.message} ${seen[0]?.stack}`).not.toContain(key);
    expect(seen[0]?.message).toContain('[REDACTED]');
  });

  it('writes a masked line to stderr by default', async () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    try {
      const { log } = capture();
      log.info('x', hostile());
      await tick();
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('[REDACTED]');
    expect(written.join('')).not.toContain(key);
  });
});
