import { KeyringUnavailableError } from '@localagent/errors';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostedKeyringBackend, type KeyringBackend } from '../src/keyring/index';
import { SecureKeyManager } from '../src/secure-key-manager';
import { keyringServiceFor } from '../src/stores/keyring-store';
import type { SecureKeyManagerOptions } from '../src/resolve-options';
import { captureLogger, FAST, type CapturedLogger } from './support/fixtures';
import {
  DRIVERS,
  fakeSecret,
  filesContaining,
  hungBus,
  PrivateBus,
  REAL_KEYRING,
  SKIP_NOTE,
  tempDir,
  which,
} from './keyring-support';

// SecureKeyManager driving the real drivers: in the session's Secret Service (gated like
// keyring.test.ts), and with a keyring that is unreachable or hung (always).
jest.setTimeout(60_000);

let dir: string;
let managers: SecureKeyManager[];
let backends: KeyringBackend[];
let logger: CapturedLogger;
beforeEach(() => {
  dir = tempDir('la-kr-manager-');
  managers = [];
  backends = [];
  logger = captureLogger();
});
afterEach(() => {
  for (const m of managers) m.close();
  for (const b of backends) (b as HostedKeyringBackend).close();
  rmSync(dir, { recursive: true, force: true });
});

async function manager(options: SecureKeyManagerOptions): Promise<SecureKeyManager> {
  const m = await SecureKeyManager.create({
    configDir: dir,
    env: {},
    masterPassword: 'correct horse',
    logger,
    configFile: false,
    ...FAST,
    ...options,
  });
  managers.push(m);
  return m;
}

function backend(
  driver: 'napi' | 'keytar',
  options: ConstructorParameters<typeof HostedKeyringBackend>[1] = {},
): HostedKeyringBackend {
  const b = new HostedKeyringBackend(driver, options);
  backends.push(b);
  return b;
}

/** The session's D-Bus address and nothing else: no provider key variable can leak into a test. */
const sessionEnv = (): Record<string, string | undefined> => ({
  DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
});

/** The keyring service of the test's config dir (a namespace of its own, not the default dir's). */
const service = (): string => keyringServiceFor(dir, '/nonexistent/default');

/** A custom provider name unique to this run. */
const providerName = (): string => `kr-test-${randomBytes(5).toString('hex')}`;

const describeReal = REAL_KEYRING ? describe : describe.skip;
if (!REAL_KEYRING) process.stderr.write(`keyring-manager.test.ts: ${SKIP_NOTE}\n`);

describeReal.each(DRIVERS)(
  'SecureKeyManager with the %s driver in the session Secret Service',
  (driver) => {
    it('stores in the keyring only, lists it as source keyring, rotates and deletes there, and leaves no plaintext', async () => {
      const started = Date.now();
      const direct = backend(driver);
      const provider = providerName();
      // the manager loads the driver itself, and hands it its own env (only the D-Bus session here)
      const m = await manager({ storage: 'keyring', keyringDriver: driver, env: sessionEnv() });
      try {
        expect((await m.status()).keyring).toEqual({ usable: true, driver });
        expect((await m.status()).activeBackend).toBe('keyring');

        const first = fakeSecret();
        await expect(m.storeKey(provider, first)).resolves.toMatchObject({ store: 'keyring' });
        expect(await direct.get(service(), provider)).toBe(first);
        expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
        await expect(m.retrieveKey(provider)).resolves.toBe(first);
        expect((await m.listKeys()).filter((k) => k.provider === provider)).toEqual([
          {
            provider,
            source: 'keyring',
            fingerprint: expect.stringContaining(first.slice(-4)) as string,
            active: true,
          },
        ]);

        const second = fakeSecret();
        await expect(m.rotateKey(provider, second)).resolves.toMatchObject({ store: 'keyring' });
        expect(await direct.get(service(), provider)).toBe(second);

        await expect(m.deleteKey(provider)).resolves.toBe(true);
        expect(await direct.get(service(), provider)).toBeUndefined();
        await expect(m.deleteKey(provider)).resolves.toBe(false);
        expect(logger.warnings).toEqual([]);

        for (const secret of [first, second])
          expect(filesContaining([dir, tmpdir()], secret, started - 1000)).toEqual([]);
      } finally {
        await direct.delete(service(), provider).catch(() => false);
      }
    });

    it('a key that was in the encrypted file moves to the keyring: never in both', async () => {
      const direct = backend(driver);
      const provider = providerName();
      const inFile = await manager({ storage: 'file' });
      await inFile.storeKey(provider, fakeSecret());
      const m = await manager({ storage: 'auto', keyringBackend: backend(driver) });
      try {
        const key = fakeSecret();
        await m.storeKey(provider, key);
        expect(await direct.get(service(), provider)).toBe(key);
        const sources = (await m.listKeys())
          .filter((k) => k.provider === provider)
          .map((k) => k.source);
        expect(sources).toEqual(['keyring']);
        expect(await inFile.listKeys()).toEqual([]);
        expect(filesContaining([dir], key)).toEqual([]);
      } finally {
        await direct.delete(service(), provider).catch(() => false);
      }
    });
  },
);

describe.each(DRIVERS)('SecureKeyManager when the %s keyring is unusable', (driver) => {
  const noDbus = (): Record<string, string | undefined> => ({
    PATH: process.env['PATH'],
    HOME: dir,
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'none.sock')}`,
  });

  it('storage auto falls back to the encrypted file with one warning, never plaintext', async () => {
    const m = await manager({
      storage: 'auto',
      keyringBackend: backend(driver, { env: noDbus() }),
    });
    const provider = providerName();
    const key = fakeSecret();
    await m.storeKey(provider, key);
    await m.storeKey(providerName(), fakeSecret());
    expect(await m.retrieveKey(provider)).toBe(key);
    expect((await m.listKeys()).find((k) => k.provider === provider)?.source).toBe('file');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('D-Bus');
    const status = await m.status();
    expect(status.activeBackend).toBe('file');
    expect(status.keyring).toMatchObject({ usable: false, driver, reasonCode: 'no-dbus' });
    expect(readFileSync(join(dir, 'keys.enc')).includes(Buffer.from(key))).toBe(false);
  });

  it('the manager passes its env to the driver: an env without a D-Bus session falls back to the file', async () => {
    const m = await manager({
      storage: 'auto',
      keyringDriver: driver,
      env: { HOME: dir, XDG_RUNTIME_DIR: dir },
    });
    await m.storeKey(providerName(), fakeSecret());
    expect((await m.status()).keyring).toMatchObject({
      usable: false,
      driver,
      reasonCode: 'no-dbus',
    });
    expect(logger.warnings).toHaveLength(1);
  });

  it('storage keyring fails with KeyringUnavailableError that says why', async () => {
    const m = await manager({
      storage: 'keyring',
      keyringBackend: backend(driver, { env: noDbus() }),
    });
    const error = await m.storeKey(providerName(), fakeSecret()).catch((e: unknown) => e);
    expect(KeyringUnavailableError.isInstance(error)).toBe(true);
    expect((error as KeyringUnavailableError).details).toMatchObject({ reasonCode: 'no-dbus' });
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
  });

  it('a hung Secret Service: storage auto falls back within the timeout', async () => {
    const bus = await hungBus(dir);
    try {
      const m = await manager({
        storage: 'auto',
        keyringBackend: backend(driver, {
          env: { PATH: process.env['PATH'], DBUS_SESSION_BUS_ADDRESS: bus.address },
          timeoutMs: 300,
        }),
      });
      const provider = providerName();
      const key = fakeSecret();
      await m.storeKey(provider, key);
      expect(await m.retrieveKey(provider)).toBe(key);
      expect((await m.status()).keyring).toMatchObject({ usable: false, reasonCode: 'timeout' });
      expect(logger.warnings).toHaveLength(1);
    } finally {
      await bus.close();
    }
  });
});

describe('SecureKeyManager when the keyring gets locked after the probe (a private gnome-keyring)', () => {
  const canRun =
    which('gnome-keyring-daemon') !== undefined &&
    which('dbus-daemon') !== undefined &&
    which('gdbus') !== undefined;
  (canRun || REAL_KEYRING ? it.each(DRIVERS) : it.skip.each(DRIVERS))(
    '%s: reading a key fails, it is not "not found" and does not fall through to the file',
    async (driver) => {
      const bus = await PrivateBus.start({ keyring: true });
      try {
        const m = await manager({ storage: 'auto', keyringDriver: driver, env: bus.env });
        const provider = providerName();
        await m.storeKey(provider, fakeSecret());
        expect((await m.listKeys()).find((k) => k.provider === provider)?.source).toBe('keyring');
        await bus.lockLogin();
        const error = await m.retrieveKey(provider).catch((e: unknown) => e);
        expect(KeyringUnavailableError.isInstance(error)).toBe(true);
        expect((error as KeyringUnavailableError).details).toMatchObject({ reasonCode: 'locked' });
        await expect(m.deleteKey(provider)).rejects.toMatchObject({
          code: 'LA_KEYRING_UNAVAILABLE',
        });
        expect(logger.warnings).toEqual([]);
      } finally {
        bus.stop();
      }
    },
  );
});
