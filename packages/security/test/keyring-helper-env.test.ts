import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostedKeyringBackend } from '../src/keyring/index';
import { DRIVERS, fakeSecret, REAL_KEYRING, tempDir, testService } from './keyring-support';
import { removeDir } from './support/fixtures';

// Issue 15, finding 5: the helper inherited the whole environment, so the master password and other
// providers' keys were readable in its /proc/<pid>/environ. Linux only (/proc).
const describeLinux = process.platform === 'linux' ? describe : describe.skip;
const describeReal = REAL_KEYRING && process.platform === 'linux' ? describe : describe.skip;

jest.setTimeout(30_000);

const MASTER_PASSWORD = `master-${fakeSecret()}`;
const OPENAI_KEY = fakeSecret();

/** The keyring helpers this process started: `node -e <source> <driver> <module>`. */
function helperPids(driver: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // field 4 of stat is the parent pid; the command name (field 2) may hold spaces, so split after it
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === process.pid && argv[1] === '-e' && argv[3] === driver) pids.push(Number(entry));
    } catch {
      // the process exited meanwhile
    }
  }
  return pids;
}

function helperEnviron(driver: string): Record<string, string> {
  const pids = helperPids(driver);
  expect(pids).toHaveLength(1);
  const raw = readFileSync(`/proc/${pids[0]}/environ`, 'utf8');
  expect(raw).not.toContain(MASTER_PASSWORD);
  expect(raw).not.toContain(OPENAI_KEY);
  return Object.fromEntries(
    raw
      .split('\0')
      // NODE_CHANNEL_FD and NODE_CHANNEL_SERIALIZATION_MODE: Node adds them for the IPC channel
      .filter((line) => line !== '' && !line.startsWith('NODE_CHANNEL_'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const secrets = {
  LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD,
  OPENAI_API_KEY: OPENAI_KEY,
  GITHUB_TOKEN: fakeSecret(),
  NODE_OPTIONS: '--no-warnings',
};

describeLinux.each(DRIVERS)('%s driver: the helper process environment', (driver) => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-kr-env-');
  });
  afterEach(() => removeDir(dir));

  it('holds neither the master password nor other keys, and keeps the D-Bus address', async () => {
    const address = `unix:path=${join(dir, 'no-such.sock')}`;
    const backend = new HostedKeyringBackend(driver, {
      env: {
        ...secrets,
        PATH: process.env['PATH'],
        HOME: dir,
        XDG_RUNTIME_DIR: dir,
        LANG: 'C.UTF-8',
        DBUS_SESSION_BUS_ADDRESS: address,
      },
      timeoutMs: 5_000,
    });
    try {
      // no Secret Service at that address: the probe fails, the helper stays up for the next call
      expect(await backend.probe()).toMatchObject({ usable: false, reasonCode: 'no-dbus' });
      expect(helperEnviron(driver)).toEqual({
        PATH: process.env['PATH'],
        HOME: dir,
        XDG_RUNTIME_DIR: dir,
        LANG: 'C.UTF-8',
        DBUS_SESSION_BUS_ADDRESS: address,
      });
    } finally {
      backend.close();
    }
  });
});

describeReal.each(DRIVERS)(
  '%s driver: the minimal environment reaches the session keyring',
  (driver) => {
    it('stores and reads a key with the secrets left out of the helper', async () => {
      const backend = new HostedKeyringBackend(driver, { env: { ...process.env, ...secrets } });
      const service = testService(`env-${driver}`);
      const secret = fakeSecret();
      try {
        await backend.set(service, 'openai', secret);
        expect(await backend.get(service, 'openai')).toBe(secret);
        expect(helperEnviron(driver)['DBUS_SESSION_BUS_ADDRESS']).toBe(
          process.env['DBUS_SESSION_BUS_ADDRESS'],
        );
        expect(await backend.delete(service, 'openai')).toBe(true);
      } finally {
        backend.close();
      }
    });
  },
);
