import { KeyringUnavailableError } from '@localagent/errors';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  HostedKeyringBackend,
  KeytarKeyringBackend,
  loadKeyringBackend,
  NapiKeyringBackend,
  type KeyringDriverName,
} from '../src/keyring/index';
import {
  compileKeyring,
  DRIVERS,
  hungBus,
  PrivateBus,
  REAL_KEYRING,
  runNodeScript,
  tempDir,
  which,
} from './keyring-support';

// How each driver fails when the keyring cannot be used. Nothing here needs the session's
// Secret Service: every case builds its own broken environment (a missing module, no D-Bus, a
// bus without a Secret Service, a socket that never answers, a locked private gnome-keyring).
jest.setTimeout(30_000);

let dir: string;
beforeAll(() => {
  dir = tempDir('la-kr-fail-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<KeyringUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!KeyringUnavailableError.isInstance(error))
    throw new Error(`expected a KeyringUnavailableError, got ${String(error)}`);
  return error;
}

const reasonOf = (error: KeyringUnavailableError): unknown =>
  (error.details as { reasonCode?: unknown }).reasonCode;

describe.each(DRIVERS)('%s driver: module missing', (driver) => {
  it('reports module-missing when the module cannot be resolved, without crashing', async () => {
    // as if the optional dependency were not installed (resolution itself is tested on the built package below)
    const backend = await loadKeyringBackend(driver, {
      modulePath: join(dir, 'node_modules', 'not-installed', 'index.js'),
    });
    const probe = await backend.probe();
    expect(probe).toMatchObject({ usable: false, driver, reasonCode: 'module-missing' });
    expect(probe.reason).toContain(driver === 'napi' ? '@napi-rs/keyring' : 'keytar');
    const error = await rejection(backend.get('localagent', 'openai'));
    expect(reasonOf(error)).toBe('module-missing');
    expect(error.code).toBe('LA_KEYRING_UNAVAILABLE');
    expect(error.suggestion).toContain('--storage file');
  });

  it('reports module-missing when the native module throws while loading', async () => {
    const broken = join(dir, `broken-${driver}.js`);
    writeFileSync(broken, "throw new Error('Cannot find native binding for this platform');\n");
    const backend = await loadKeyringBackend(driver, { modulePath: broken });
    expect(await backend.probe()).toMatchObject({ usable: false, reasonCode: 'module-missing' });
    expect((await backend.probe()).reason).toContain('Cannot find native binding');
    // remembered: the helper is not respawned for a module that cannot load
    expect(reasonOf(await rejection(backend.set('localagent', 'openai', 'x')))).toBe(
      'module-missing',
    );
  });
});

it('an unknown driver name is an unusable backend, not a crash', async () => {
  const backend = await loadKeyringBackend('gnome' as KeyringDriverName);
  expect(await backend.probe()).toMatchObject({ usable: false, reasonCode: 'error' });
  await rejection(backend.get('localagent', 'openai'));
  await rejection(backend.set('localagent', 'openai', 'x'));
  await rejection(backend.delete('localagent', 'openai'));
  await rejection(backend.list('localagent'));
});

it('the driver classes are the same backends under their names', () => {
  expect(new NapiKeyringBackend().driver).toBe('napi');
  expect(new KeytarKeyringBackend({ timeoutMs: -1 }).timeoutMs).toBe(3000);
  expect(new HostedKeyringBackend('keytar', { timeoutMs: 250 }).timeoutMs).toBe(250);
});

describe("the helper process protocol (a stand-in module with keytar's API: a crash on demand cannot be had from the real one)", () => {
  let fake: string;
  beforeAll(() => {
    fake = join(dir, 'fake-keytar.js');
    writeFileSync(
      fake,
      `const items = new Map();
       const k = (s, a) => s + '/' + a;
       exports.setPassword = async (s, a, v) => { items.set(k(s, a), v); };
       const fs = require('fs');
       exports.getPassword = async (s, a) => {
         // crashes the first time only (a marker file survives the helper): a read is retried once
         if (a === 'flaky' && !fs.existsSync(__filename + '.crashed')) { fs.writeFileSync(__filename + '.crashed', ''); process.kill(process.pid, 'SIGKILL'); }
         return a === 'odd' ? 42 : items.has(k(s, a)) ? items.get(k(s, a)) : null;
       };
       exports.deletePassword = async (s, a) => { if (a === 'crash') process.kill(process.pid, 'SIGKILL'); return items.delete(k(s, a)); };
       exports.findCredentials = async (s) => [{ account: 'b' }, { account: 'a' }, { account: 'a' }];`,
    );
  });

  it('sorts and de-duplicates list, rejects unexpected values, retries a read once after a crash, survives a crash and close()', async () => {
    const backend = new HostedKeyringBackend('keytar', { modulePath: fake });
    expect(await backend.probe()).toEqual({ usable: true, driver: 'keytar' });
    expect(await backend.list('s')).toEqual(['a', 'b']);
    await backend.set('s', 'x', 'v');
    expect(await backend.get('s', 'x')).toBe('v');
    expect(reasonOf(await rejection(backend.get('s', 'odd')))).toBe('error');
    expect(await backend.get('s', 'flaky')).toBeUndefined(); // the helper died once, the retry answered
    expect(await backend.get('s', 'x')).toBeUndefined(); // (in a fresh helper: the stand-in's items died with the old one)
    await backend.set('s', 'x', 'v');
    const crash = await rejection(backend.delete('s', 'crash'));
    expect([reasonOf(crash), crash.message]).toEqual(['error', expect.stringContaining('SIGKILL')]);
    // a fresh helper (the stand-in's items died with the old one)
    expect(await backend.get('s', 'x')).toBeUndefined();
    backend.close();
    backend.close();
    expect(await backend.delete('s', 'x')).toBe(false);
    backend.close();
  });

  it('a list of non-strings is an error, not a list', async () => {
    const odd = join(dir, 'odd-keytar.js');
    writeFileSync(
      odd,
      `Object.assign(exports, require(${JSON.stringify(fake)})); exports.findCredentials = async () => [{ account: 7 }];`,
    );
    const backend = new HostedKeyringBackend('keytar', { modulePath: odd });
    expect(reasonOf(await rejection(backend.list('s')))).toBe('error');
    backend.close();
  });
});

describe.each(DRIVERS)('%s driver: no D-Bus session at all', (driver) => {
  it('probe reports no-dbus when DBUS_SESSION_BUS_ADDRESS points nowhere', async () => {
    const env = {
      PATH: process.env['PATH'],
      HOME: dir,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such.sock')}`,
    };
    const backend = new HostedKeyringBackend(driver, { env, timeoutMs: 3000 });
    const probe = await backend.probe();
    expect(probe).toMatchObject({ usable: false, driver, reasonCode: 'no-dbus' });
    expect(probe.reason).toContain('D-Bus');
    expect(reasonOf(await rejection(backend.get('localagent', 'openai')))).toBe('no-dbus');
    backend.close();
  });

  it('probe reports no-dbus when the variable is unset and there is no display to autolaunch one', async () => {
    const env = { PATH: process.env['PATH'], HOME: dir, XDG_RUNTIME_DIR: dir };
    const backend = new HostedKeyringBackend(driver, { env });
    expect(await backend.probe()).toMatchObject({ usable: false, reasonCode: 'no-dbus' });
    backend.close();
  });
});

describe.each(DRIVERS)('%s driver: a hung Secret Service', (driver) => {
  it('gives up within the timeout with LA_KEYRING_TIMEOUT, kills the stuck helper, and tries afresh next time', async () => {
    const bus = await hungBus(dir);
    try {
      const backend = new HostedKeyringBackend(driver, {
        env: { PATH: process.env['PATH'], DBUS_SESSION_BUS_ADDRESS: bus.address },
        timeoutMs: 400,
      });
      const probe = await backend.probe();
      expect(probe).toMatchObject({ usable: false, driver, reasonCode: 'timeout' });
      const afterProbe = bus.connections();
      expect(afterProbe).toBeGreaterThan(0);
      const error = await rejection(backend.get('localagent', 'openai'));
      expect(bus.connections()).toBeGreaterThan(afterProbe); // a fresh helper tried again
      expect(error.code).toBe('LA_KEYRING_TIMEOUT');
      expect(error.retryable).toBe(true);
      expect(reasonOf(error)).toBe('timeout');
      // several calls queued behind a stuck one all settle
      const all = await Promise.allSettled([
        backend.list('localagent'),
        backend.delete('localagent', 'a'),
        backend.set('localagent', 'b', 'c'),
      ]);
      expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      backend.close();
    } finally {
      await bus.close();
    }
  });
});

describe('in a plain Node process (outside jest), as the built package runs', () => {
  let withDrivers: string;
  let withoutDrivers: string;
  beforeAll(() => {
    withDrivers = compileKeyring(join(dir, 'with'), true);
    withoutDrivers = compileKeyring(join(dir, 'without'), false);
  });

  const script = (index: string, driver: string, timeoutMs: number): string => `
    const { loadKeyringBackend } = require(${JSON.stringify(index)});
    loadKeyringBackend(${JSON.stringify(driver)}, { timeoutMs: ${timeoutMs} })
      .then((backend) => backend.probe())
      .then((probe) => process.stdout.write(JSON.stringify(probe)));`;

  it.each(DRIVERS)(
    '%s: a hung Secret Service times out and the process then exits on its own (the CLI never hangs)',
    async (driver) => {
      const bus = await hungBus(dir);
      try {
        // nothing closes the backend: the stuck helper must neither keep this process alive nor outlive the timeout
        const result = await runNodeScript(dir, script(withDrivers, driver, 300), {
          PATH: process.env['PATH'],
          DBUS_SESSION_BUS_ADDRESS: bus.address,
        });
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({
          usable: false,
          driver,
          reasonCode: 'timeout',
        });
      } finally {
        await bus.close();
      }
    },
  );

  it.each(DRIVERS)(
    '%s: no D-Bus session (a socket that does not exist) is reported within the timeout, then the process exits',
    async (driver) => {
      const env = {
        PATH: process.env['PATH'],
        HOME: dir,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'gone.sock')}`,
      };
      const result = await runNodeScript(dir, script(withDrivers, driver, 3000), env);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        usable: false,
        driver,
        reasonCode: 'no-dbus',
      });
    },
  );

  it.each(DRIVERS)(
    '%s: an optional dependency that is not installed is module-missing',
    async (driver) => {
      const result = await runNodeScript(dir, script(withoutDrivers, driver, 3000), {
        PATH: process.env['PATH'],
      });
      expect(result.code).toBe(0);
      const probe = JSON.parse(result.stdout) as { reason: string };
      expect(probe).toMatchObject({ usable: false, driver, reasonCode: 'module-missing' });
      expect(probe.reason).toContain('Cannot find module');
    },
  );
});

describe('the built package (dist) finds the driver modules from CommonJS and from ESM', () => {
  const dist = join(__dirname, '..', 'dist');
  const built = existsSync(join(dist, 'index.js')) && existsSync(join(dist, 'index.mjs'));
  // the drivers are resolved from the package's own location: __filename in CJS, the stack in ESM
  (built ? it.each(DRIVERS) : it.skip.each(DRIVERS))('%s', async (driver) => {
    const body = (load: string): string => `${load}
      const m = await SecureKeyManager.create({ configDir: ${JSON.stringify(dir)}, env: { HOME: ${JSON.stringify(dir)}, XDG_RUNTIME_DIR: ${JSON.stringify(dir)} }, configFile: false, storage: 'auto', keyringDriver: ${JSON.stringify(driver)}, audit: false });
      process.stdout.write(JSON.stringify((await m.status()).keyring));`;
    const cjs = await runNodeScript(
      dir,
      `(async () => { ${body(`const { SecureKeyManager } = require(${JSON.stringify(join(dist, 'index.js'))});`)} })();`,
      { PATH: process.env['PATH'] },
    );
    const esm = await runNodeScript(
      dir,
      body(
        `import { SecureKeyManager } from ${JSON.stringify(pathToFileURL(join(dist, 'index.mjs')).href)};`,
      ),
      { PATH: process.env['PATH'] },
      '.mjs',
    );
    for (const result of [cjs, esm]) {
      expect(result.stderr).toBe('');
      // no-dbus, not module-missing: the module was found and loaded, and failed only for want of a D-Bus session
      expect(JSON.parse(result.stdout)).toMatchObject({
        usable: false,
        driver,
        reasonCode: 'no-dbus',
      });
    }
  });
});

describe('a D-Bus session without any Secret Service provider', () => {
  const canRun = which('dbus-daemon') !== undefined;
  (canRun || REAL_KEYRING ? it.each(DRIVERS) : it.skip.each(DRIVERS))(
    '%s probe reports no-secret-service',
    async (driver) => {
      const bus = await PrivateBus.start({ keyring: false });
      try {
        const backend = new HostedKeyringBackend(driver, { env: bus.env });
        const probe = await backend.probe();
        expect(probe).toMatchObject({ usable: false, driver, reasonCode: 'no-secret-service' });
        backend.close();
      } finally {
        bus.stop();
      }
    },
  );
});

describe('a locked keyring collection (a private gnome-keyring, so the session keyring stays unlocked)', () => {
  const canRun =
    which('gnome-keyring-daemon') !== undefined &&
    which('dbus-daemon') !== undefined &&
    which('gdbus') !== undefined;
  const maybe = canRun || REAL_KEYRING ? it.each(DRIVERS) : it.skip.each(DRIVERS);
  maybe(
    '%s: probe says locked, and a stored key reads as an error, never as absent',
    async (driver) => {
      const bus = await PrivateBus.start({ keyring: true });
      try {
        const backend = new HostedKeyringBackend(driver, { env: bus.env });
        expect(await backend.probe()).toEqual({ usable: true, driver });
        await backend.set('localagent-test', 'openai', 'stored-before-the-lock');
        await bus.lockLogin();

        expect(await backend.probe()).toMatchObject({
          usable: false,
          driver,
          reasonCode: 'locked',
        });
        // keytar alone would answer null here ("not found"); the backend must not
        const error = await rejection(backend.get('localagent-test', 'openai'));
        expect(reasonOf(error)).toBe('locked');
        expect(reasonOf(await rejection(backend.set('localagent-test', 'anthropic', 'x')))).toBe(
          'locked',
        );
        // keytar 7.9.0 alone crashes (SIGSEGV) listing a locked collection; the backend checks first
        expect(reasonOf(await rejection(backend.list('localagent-test')))).toBe('locked');
        expect(reasonOf(await rejection(backend.delete('localagent-test', 'openai')))).toBe(
          'locked',
        );
        backend.close();
      } finally {
        bus.stop();
      }
    },
  );
});
