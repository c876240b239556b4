import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../test/harness';
import { CliContext, resolvePaths } from './context';
import { readBreakerState, saveBreakerState as saveRegistry } from './services/breaker-state';

describe('resolvePaths', () => {
  it('prefers --config-dir over LOCALAGENT_CONFIG_DIR and keeps the cache inside an explicit dir', () => {
    const paths = resolvePaths({ configDir: '/a' }, { LOCALAGENT_CONFIG_DIR: '/b' });
    expect(paths).toMatchObject({
      explicit: true,
      configDir: '/a',
      keyFile: '/a/keys.enc',
      auditLog: '/a/audit.log',
      configFile: '/a/config.yaml',
      breakerState: '/a/cache/breakers.json',
    });
    expect(resolvePaths({}, { LOCALAGENT_CONFIG_DIR: '/b' }).configDir).toBe('/b');
  });

  it('uses the XDG dirs on Linux and env-paths elsewhere', () => {
    expect(
      resolvePaths({}, { XDG_CONFIG_HOME: '/x', XDG_CACHE_HOME: '/c' }, 'linux'),
    ).toMatchObject({ explicit: false, configDir: '/x/localagent', cacheDir: '/c/localagent' });
    expect(resolvePaths({}, {}, 'linux').configDir).toBe(join(homedir(), '.config', 'localagent'));
    expect(resolvePaths({}, {}, 'darwin').configDir).toContain('localagent');
  });
});

describe('breaker state file', () => {
  it('round-trips, and an unreadable or missing file is no state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-cli-state-'));
    const path = join(dir, 'cache', 'breakers.json');
    expect(readBreakerState(path)).toBeUndefined();
    saveRegistry(path, { toJSON: () => ({ version: 1, providers: {} }) });
    expect(readBreakerState(path)).toEqual({ version: 1, providers: {} });
    writeFileSync(path, '{not json');
    expect(readBreakerState(path)).toBeUndefined();
  });

  it('a corrupted state file is ignored with a warning, not an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-cli-state-'));
    const memory = memoryIo({ env: { LOCALAGENT_CONFIG_DIR: dir } });
    const ctx = new CliContext(memory.io, { json: false, debug: false, quiet: false });
    saveRegistry(ctx.paths.breakerState, { toJSON: () => ({ version: 99 }) });
    expect(ctx.registry().get('openai').circuitState).toBe('closed');
    expect(ctx.registry()).toBe(ctx.registry());
    await ctx.close();
    expect(memory.stderr()).toContain('Ignoring unreadable circuit-breaker state');
    expect(JSON.parse(readFileSync(ctx.paths.breakerState, 'utf8'))).toMatchObject({ version: 1 });
  });
});

describe('CliContext.close', () => {
  it('warns, but does not fail, when the breaker state cannot be saved (it is a cache)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-cli-close-'));
    const memory = memoryIo({ env: {} });
    const ctx = new CliContext(memory.io, {
      configDir: join(dir, 'cfg'),
      json: false,
      debug: false,
      quiet: false,
    });
    ctx.registry();
    // a file where the cache directory should be: saving the breaker state fails
    writeFileSync(join(dir, 'cfg'), 'not a directory');
    await expect(ctx.close()).resolves.toBeUndefined();
    expect(memory.stderr()).toContain('Could not save the circuit-breaker state');
    await expect(ctx.close()).resolves.toBeUndefined();
  });

  it('reports a failure to close the logger', async () => {
    const ctx = new CliContext(memoryIo({ env: {} }).io, {
      configDir: mkdtempSync(join(tmpdir(), 'la-cli-close-')),
      json: false,
      debug: false,
      quiet: false,
    });
    const logger = ctx.logger();
    logger.close = () => Promise.reject(new Error('flush failed'));
    await expect(ctx.close()).rejects.toThrow('flush failed');
  });
});

describe('CliContext.config', () => {
  it('loads config.yaml once, and its warnings go through the one logger, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-cli-config-'));
    writeFileSync(join(dir, 'config.yaml'), 'logging:\n  maxQueuedLines: 50\n');
    const memory = memoryIo({ env: { LOCALAGENT_CONFIG_DIR: dir, LOCALAGENT_LOG_FORMAT: 'json' } });
    const ctx = new CliContext(memory.io, { json: false, debug: false, quiet: false });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the context requires lazily
    const loggerModule = require('./services/logger') as typeof import('./services/logger');
    const created = jest.spyOn(loggerModule, 'createCliLogger');
    let calls: number;
    try {
      const logger = ctx.logger(); // the first call loads the configuration, which has a warning
      expect(ctx.logger()).toBe(logger);
      expect(ctx.config()).toBe(ctx.config());
      await ctx.close();
    } finally {
      calls = created.mock.calls.length;
      created.mockRestore();
    }
    expect(calls).toBe(1);
    const lines = memory
      .stderr()
      .split('\n')
      .filter((line) => line.includes('maxQueuedLines is now spelled'));
    expect(lines).toHaveLength(1);
  });
});
