import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigurationError,
  KeyNotFoundError,
  KeyringUnavailableError,
  InvalidKeyError,
} from '@localagent/errors';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from '../test/support/fixtures';
import { MemoryKeyring } from '../test/support/memory-keyring';
import { verifyAuditLog } from './audit-log';
import { SecureKeyManager } from './secure-key-manager';
import { keyringServiceFor } from './stores/keyring-store';
import { getApiKey } from './get-api-key';
import type { SecureKeyManagerOptions } from './resolve-options';

describe('SecureKeyManager', () => {
  let dir: string;
  let managers: SecureKeyManager[];
  beforeEach(() => {
    dir = tempDir('la-manager-');
    managers = [];
  });
  afterEach(() => {
    for (const m of managers) m.close();
    removeDir(dir);
  });

  /** The keyring service of the test's config dir (not the default dir: a namespace of its own). */
  const service = (): string => keyringServiceFor(dir, '/nonexistent/default');

  async function manager(options: SecureKeyManagerOptions = {}): Promise<SecureKeyManager> {
    const m = await SecureKeyManager.create({
      configDir: dir,
      env: {},
      masterPassword: 'correct horse',
      logger: captureLogger(),
      ...FAST,
      ...options,
    });
    managers.push(m);
    return m;
  }

  describe('with the encrypted file', () => {
    it('round-trips store, retrieve, list, rotate and delete, with the results the API promises', async () => {
      const m = await manager({ storage: 'file' });
      const key = fakeKeys.openai();
      await expect(m.storeKey('openai', `${key}\n`)).resolves.toEqual({
        store: 'file',
        location: `the encrypted file ${join(dir, 'keys.enc')}`,
        removedFrom: [],
        fingerprint: expect.stringMatching(/^sk-proj-…/),
      });
      await expect(m.retrieveKey('openai')).resolves.toBe(key);
      await expect(m.retrieveKey('anthropic')).resolves.toBeUndefined();
      const [info] = await m.listKeys();
      expect(info).toMatchObject({
        provider: 'openai',
        source: 'file',
        fingerprint: `sk-proj-…${key.slice(-4)}`,
        active: true,
      });
      expect(info?.updatedAt).toMatch(/^\d{4}-/);
      const next = fakeKeys.openai();
      await expect(m.rotateKey('openai', next)).resolves.toMatchObject({ store: 'file' });
      await expect(m.retrieveKey('openai')).resolves.toBe(next);
      await expect(m.deleteKey('openai')).resolves.toBe(true);
      await expect(m.deleteKey('openai')).resolves.toBe(false);
      await expect(m.retrieveKey('openai')).resolves.toBeUndefined();
      // its last key gone, the file goes too: nothing is left to ask a password for
      expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    });

    it('is readable by a new manager (a new process) with the same password only', async () => {
      const key = fakeKeys.anthropic();
      await (await manager({ storage: 'file' })).storeKey('anthropic', key);
      await expect((await manager({ storage: 'file' })).retrieveKey('anthropic')).resolves.toBe(
        key,
      );
      await expect(
        (await manager({ storage: 'file', masterPassword: 'wrong' })).retrieveKey('anthropic'),
      ).rejects.toMatchObject({
        code: 'LA_DECRYPTION_FAILED',
      });
    });

    it('derives the key once per manager, asking a password callback once', async () => {
      let asked = 0;
      const m = await manager({
        storage: 'file',
        masterPassword: async () => {
          asked += 1;
          return 'from a prompt';
        },
      });
      for (const provider of ['openai', 'gemini', 'groq'] as const)
        await m.storeKey(provider, fakeKeys[provider]());
      await m.listKeys();
      await m.retrieveKey('gemini');
      expect(asked).toBe(1);
    });

    it('fails with LA_MASTER_PASSWORD_REQUIRED and a suggestion when no password is available', async () => {
      const m = await manager({ storage: 'file', masterPassword: undefined });
      const error = await m.storeKey('openai', fakeKeys.openai()).catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'LA_MASTER_PASSWORD_REQUIRED' });
      expect((error as ConfigurationError).suggestion).toContain('LOCALAGENT_MASTER_PASSWORD');
      await expect(
        (await manager({ storage: 'file', masterPassword: () => '' })).storeKey(
          'openai',
          fakeKeys.openai(),
        ),
      ).rejects.toMatchObject({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
      });
    });

    it('takes the password from LOCALAGENT_MASTER_PASSWORD in the given env', async () => {
      const key = fakeKeys.openai();
      await (
        await manager({
          storage: 'file',
          masterPassword: undefined,
          env: { LOCALAGENT_MASTER_PASSWORD: 'pass phrase 12+' },
        })
      ).storeKey('openai', key);
      await expect(
        (await manager({ storage: 'file', masterPassword: 'pass phrase 12+' })).retrieveKey(
          'openai',
        ),
      ).resolves.toBe(key);
    });

    it('stores nothing when validation fails, and rotates nothing that is not stored', async () => {
      const m = await manager({ storage: 'file' });
      await expect(m.storeKey('openai', 'not-an-openai-key')).rejects.toBeInstanceOf(
        InvalidKeyError,
      );
      expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
      await expect(
        m.storeKey('openai', 'not-an-openai-key', { validate: 'none' }),
      ).resolves.toMatchObject({ store: 'file' });
      await expect(m.storeKey('openai', 'two words', { validate: 'none' })).rejects.toThrow(
        /whitespace/,
      );
      await expect(
        m.storeKey('openai', fakeKeys.openai(), { validate: 'sometimes' as 'none' }),
      ).rejects.toThrow(/validate must be/);
      await expect(m.rotateKey('gemini', fakeKeys.gemini())).rejects.toBeInstanceOf(
        KeyNotFoundError,
      );
      await expect(m.rotateKey('openai', 'bad')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(m.storeKey('Bad Name', 'x')).rejects.toBeInstanceOf(ConfigurationError);
    });

    it('keeps createdAt across rotations and upgrades updatedAt', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const m = await manager({ storage: 'file', now: () => now });
      await m.storeKey('groq', fakeKeys.groq());
      now = new Date('2026-02-01T00:00:00Z');
      await m.rotateKey('groq', fakeKeys.groq());
      expect((await m.listKeys())[0]?.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    });

    it('supports custom providers declared in config.yaml, with their env variables and pattern', async () => {
      writeFileSync(
        join(dir, 'config.yaml'),
        "security:\n  providers:\n    corp: { env: [CORP_TOKEN], key_pattern: '^corp-[0-9]{6}$' }\n",
      );
      const m = await manager({ storage: 'file', env: { CORP_TOKEN: 'corp-999999' } });
      await expect(m.storeKey('corp', 'corp-12345x')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(m.storeKey('corp', 'corp-123456')).resolves.toMatchObject({ store: 'file' });
      await expect(m.retrieveKey('corp')).resolves.toBe('corp-999999');
      expect((await m.listKeys()).map((k) => [k.provider, k.source, k.active])).toEqual([
        ['corp', 'env', true],
        ['corp', 'file', false],
      ]);
    });

    it('treats a provider named like an Object.prototype property as any other', async () => {
      const m = await manager({ storage: 'file' });
      await expect(m.retrieveKey('constructor')).resolves.toBeUndefined();
      await m.storeKey('groq', fakeKeys.groq());
      await expect(m.retrieveKey('constructor')).resolves.toBeUndefined();
      await expect(m.rotateKey('constructor', 'abc')).rejects.toBeInstanceOf(KeyNotFoundError);
      await expect(m.storeKey('constructor', 'abc-def')).resolves.toMatchObject({ store: 'file' });
      await expect(m.retrieveKey('constructor')).resolves.toBe('abc-def');
    });

    it('changeMasterPassword wipes the Buffers it makes from a string password', async () => {
      const m = await manager({ storage: 'file' });
      await m.storeKey('groq', fakeKeys.groq());
      const next = `new-${fakeKeys.generic()}`;
      const from = jest.spyOn(Buffer, 'from') as unknown as jest.SpyInstance<Buffer, unknown[]>;
      try {
        await expect(m.changeMasterPassword(next)).resolves.toBe(true);
        const made = from.mock.calls.flatMap((args, i) =>
          args[0] === next ? [from.mock.results[i]?.value as Buffer] : [],
        );
        expect(made.length).toBeGreaterThan(0);
        for (const buffer of made) expect(buffer.every((byte) => byte === 0)).toBe(true);
      } finally {
        from.mockRestore();
      }
      await expect(
        (await manager({ storage: 'file', masterPassword: next })).retrieveKey('groq'),
      ).resolves.toMatch(/^gsk_/);
    });

    it('refuses to work after close()', async () => {
      const m = await manager({ storage: 'file' });
      m.close();
      await expect(m.retrieveKey('openai')).rejects.toThrow(/closed/);
    });
  });

  describe('environment overrides', () => {
    it('lets the provider variable win over stored keys, reports source env, and warns when storing a shadowed key', async () => {
      const logger = captureLogger();
      const envKey = fakeKeys.gemini();
      const m = await manager({
        storage: 'file',
        env: { GOOGLE_API_KEY: `${envKey}\n`, GEMINI_API_KEY: '' },
        logger,
      });
      await m.storeKey('gemini', fakeKeys.gemini());
      expect(logger.warnings.join('\n')).toContain(
        'GOOGLE_API_KEY is set and overrides the stored Google Gemini key',
      );
      await expect(m.retrieveKey('gemini')).resolves.toBe(envKey);
      const list = await m.listKeys();
      expect(list.map((k) => [k.provider, k.source, k.active])).toEqual([
        ['gemini', 'env', true],
        ['gemini', 'file', false],
      ]);
    });
  });

  describe('with a keyring backend', () => {
    it("auto: uses a usable keyring, under the config dir's service and account = provider, and never writes the file", async () => {
      const keyring = new MemoryKeyring();
      const m = await manager({ keyringBackend: keyring });
      const key = fakeKeys.openai();
      await m.storeKey('openai', key);
      expect(keyring.items.get(`${service()}/openai`)).toBe(key);
      expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
      await expect(m.retrieveKey('openai')).resolves.toBe(key);
      expect((await m.listKeys())[0]).toMatchObject({
        provider: 'openai',
        source: 'keyring',
        active: true,
      });
      const status = await m.status();
      expect(status).toMatchObject({
        storage: 'auto',
        activeBackend: 'keyring',
        keyring: { usable: true, driver: 'napi' },
      });
    });

    it('auto: falls back to the encrypted file with one warning when the keyring is unusable, never plaintext', async () => {
      const logger = captureLogger();
      const m = await manager({
        keyringBackend: new MemoryKeyring({
          usable: false,
          reason: 'no D-Bus session',
          reasonCode: 'no-dbus',
        }),
        logger,
      });
      const key = fakeKeys.openai();
      await m.storeKey('openai', key);
      await m.storeKey('groq', fakeKeys.groq());
      expect(logger.warnings.filter((w) => w.includes('not usable'))).toHaveLength(1);
      expect(logger.warnings[0]).toContain('no D-Bus session');
      expect(readFileSync(join(dir, 'keys.enc')).includes(Buffer.from(key))).toBe(false);
      await expect(m.retrieveKey('openai')).resolves.toBe(key);
      expect(await m.status()).toMatchObject({
        activeBackend: 'file',
        keyring: { usable: false, reasonCode: 'no-dbus' },
        keyFile: { mode: '0600', ok: true },
      });
    });

    it.each([
      ['locked', 'the keyring collection is locked'],
      ['timeout', 'the keyring did not answer in time'],
      ['error', 'the keyring call failed'],
    ])(
      'auto, default config dir without an index: a keyring that cannot be read (%s) makes "no key" unknown, and writes elsewhere fail',
      async (reasonCode, reason) => {
        const logger = captureLogger();
        // the default config dir: its keyring items may predate the index, so the keyring may hold any key
        const defaultDir = join(dir, 'localagent');
        const options = {
          configDir: defaultDir,
          env: { XDG_CONFIG_HOME: dir },
          keyringBackend: new MemoryKeyring({ usable: false, reasonCode, reason }),
          logger,
        };
        const m = await manager(options);
        for (const attempt of [
          m.retrieveKey('openai'),
          m.deleteKey('openai'),
          m.rotateKey('openai', fakeKeys.openai()),
          m.storeKey('groq', fakeKeys.groq()),
        ]) {
          const error = await attempt.catch((e: unknown) => e);
          expect(KeyringUnavailableError.isInstance(error)).toBe(true);
          expect((error as Error).message).toContain(reason);
          expect((error as KeyringUnavailableError).details).toMatchObject({ reasonCode });
        }
        expect(existsSync(join(defaultDir, 'keys.enc'))).toBe(false);
        const viaGetApiKey = await getApiKey('openai', {
          masterPassword: 'correct horse',
          ...FAST,
          ...options,
        }).catch((e: unknown) => e);
        expect(KeyringUnavailableError.isInstance(viaGetApiKey)).toBe(true);
        // asked explicitly, the file takes it; a key found in the file is then returned
        const key = fakeKeys.groq();
        await expect(
          (await manager({ ...options, storage: 'file' })).storeKey('groq', key),
        ).resolves.toMatchObject({ store: 'file' });
        await expect(m.retrieveKey('groq')).resolves.toBe(key);
        const audit = readFileSync(join(defaultDir, 'audit.log'), 'utf8');
        expect(audit).toContain(
          '"action":"retrieve","outcome":"failure","provider":"openai","code":"LA_KEYRING_UNAVAILABLE"',
        );
      },
    );

    it.each(['locked', 'timeout', 'error'])(
      'auto, a config dir of its own: a keyring that cannot be read (%s) holds only what its index says; writes fall back to the file',
      async (reasonCode) => {
        const logger = captureLogger();
        const m = await manager({
          keyringBackend: new MemoryKeyring({ usable: false, reasonCode, reason: 'cannot read' }),
          logger,
        });
        await expect(m.retrieveKey('openai')).resolves.toBeUndefined();
        await expect(m.rotateKey('openai', fakeKeys.openai())).rejects.toBeInstanceOf(
          KeyNotFoundError,
        );
        const key = fakeKeys.groq();
        await expect(m.storeKey('groq', key)).resolves.toMatchObject({ store: 'file' });
        await expect(m.retrieveKey('groq')).resolves.toBe(key);
        await expect(m.rotateKey('groq', fakeKeys.groq())).resolves.toMatchObject({
          store: 'file',
        });
        await expect(m.deleteKey('groq')).resolves.toBe(true);
        await expect(m.deleteKey('groq')).resolves.toBe(false);
        expect(logger.warnings.filter((w) => w.includes('not usable'))).toHaveLength(1);
      },
    );

    it.each(['module-missing', 'no-dbus', 'no-secret-service'])(
      'auto: no keyring at all (%s) is a silent "no key" for reads and deletes',
      async (reasonCode) => {
        const logger = captureLogger();
        const m = await manager({
          keyringBackend: new MemoryKeyring({ usable: false, reasonCode, reason: 'none here' }),
          logger,
        });
        await expect(m.retrieveKey('openai')).resolves.toBeUndefined();
        await expect(m.deleteKey('openai')).resolves.toBe(false);
        await expect(m.rotateKey('openai', fakeKeys.openai())).rejects.toBeInstanceOf(
          KeyNotFoundError,
        );
        await expect(
          getApiKey('openai', {
            configDir: dir,
            env: {},
            keyringBackend: new MemoryKeyring({ usable: false, reasonCode }),
          }),
        ).rejects.toBeInstanceOf(KeyNotFoundError);
        expect(logger.warnings).toEqual([]);
      },
    );

    it('auto: a probe that throws counts as a failing keyring (unknown, not absent)', async () => {
      const keyring = new MemoryKeyring();
      keyring.probe = () => Promise.reject(new Error('boom'));
      const m = await manager({
        keyringBackend: keyring,
        configDir: join(dir, 'localagent'),
        env: { XDG_CONFIG_HOME: dir },
      });
      await expect(m.retrieveKey('openai')).rejects.toMatchObject({
        code: 'LA_KEYRING_UNAVAILABLE',
        details: { reasonCode: 'error' },
      });
    });

    it('keyring: throws KeyringUnavailableError with the probe’s reason when the keyring is unusable', async () => {
      const m = await manager({
        storage: 'keyring',
        keyringBackend: new MemoryKeyring({
          usable: false,
          reason: 'the collection is locked',
          reasonCode: 'locked',
        }),
      });
      const error = await m.storeKey('openai', fakeKeys.openai()).catch((e: unknown) => e);
      expect(KeyringUnavailableError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('the collection is locked');
      expect((error as KeyringUnavailableError).suggestion).toMatch(/Unlock it.*--storage file/);
      const unknown = await manager({
        storage: 'keyring',
        keyringBackend: new MemoryKeyring({ usable: false }),
      });
      await expect(unknown.storeKey('openai', fakeKeys.openai())).rejects.toThrow('unknown reason');
      // reading, deleting and listing cannot tell "absent" from "unknown" either
      await expect(m.retrieveKey('openai')).rejects.toBeInstanceOf(KeyringUnavailableError);
      await expect(m.deleteKey('openai')).rejects.toBeInstanceOf(KeyringUnavailableError);
      await expect(m.keyInventory()).resolves.toEqual({
        keys: [],
        unavailable: [{ store: 'keyring', reason: 'the collection is locked' }],
      });
      await expect(
        getApiKey('openai', {
          configDir: dir,
          env: {},
          storage: 'keyring',
          keyringBackend: new MemoryKeyring({ usable: false }),
        }),
      ).rejects.toBeInstanceOf(KeyringUnavailableError);
      expect((await m.status()).activeBackend).toBe('none');
      expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    });

    it('rotation keeps the store a key is in; storing moves it out of the file; delete reaches every store', async () => {
      const key = fakeKeys.openai();
      await (await manager({ storage: 'file' })).storeKey('openai', key);
      await (await manager({ storage: 'file' })).storeKey('groq', fakeKeys.groq());
      const keyring = new MemoryKeyring();
      const m = await manager({ keyringBackend: keyring });
      await expect(m.retrieveKey('openai')).resolves.toBe(key); // still found in the file
      const rotated = fakeKeys.openai();
      await expect(m.rotateKey('openai', rotated)).resolves.toMatchObject({ store: 'file' });
      expect(keyring.items.size).toBe(0);
      const fileOnly = await manager({ storage: 'file' });
      await expect(fileOnly.retrieveKey('openai')).resolves.toBe(rotated);
      const next = fakeKeys.openai();
      await expect(m.storeKey('openai', next)).resolves.toMatchObject({
        store: 'keyring',
        removedFrom: ['file'],
      });
      expect(keyring.items.get(`${service()}/openai`)).toBe(next);
      await expect(fileOnly.retrieveKey('openai')).resolves.toBeUndefined();
      keyring.items.set(`${service()}/groq`, fakeKeys.groq());
      expect((await m.listKeys()).map((k) => `${k.provider}:${k.source}:${k.active}`)).toEqual([
        'groq:keyring:true',
        'groq:file:false',
        'openai:keyring:true',
      ]);
      await expect(m.deleteKey('groq')).resolves.toBe(true);
      expect(keyring.items.has(`${service()}/groq`)).toBe(false);
      await expect(fileOnly.retrieveKey('groq')).resolves.toBeUndefined();
    });

    it('auto: with a key file left by an earlier fallback and no master password, store/rotate fail before writing anything', async () => {
      const old = fakeKeys.openai();
      await (await manager({ storage: 'file' })).storeKey('openai', old);
      const before = readFileSync(join(dir, 'keys.enc'));
      const keyring = new MemoryKeyring();
      const m = await manager({ keyringBackend: keyring, masterPassword: undefined });
      await expect(m.storeKey('openai', fakeKeys.openai())).rejects.toMatchObject({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
      });
      // nothing was written: the keyring is empty and the file is byte for byte what it was
      expect(keyring.items.size).toBe(0);
      expect(readFileSync(join(dir, 'keys.enc')).equals(before)).toBe(true);
      // a key already in the keyring is not replaced by a rotation that cannot also clean the file
      const inKeyring = fakeKeys.groq();
      keyring.items.set(`${service()}/groq`, inKeyring);
      await expect(m.rotateKey('groq', fakeKeys.groq())).rejects.toMatchObject({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
      });
      expect(keyring.items.get(`${service()}/groq`)).toBe(inKeyring);
      expect(readFileSync(join(dir, 'keys.enc')).equals(before)).toBe(true);
      const outcomes = readFileSync(join(dir, 'audit.log'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .slice(-2);
      expect(outcomes).toMatchObject([
        { action: 'store', outcome: 'failure', code: 'LA_MASTER_PASSWORD_REQUIRED' },
        { action: 'rotate', outcome: 'failure', code: 'LA_MASTER_PASSWORD_REQUIRED' },
      ]);
      // with the password, both steps complete: the key is in the keyring and gone from the file
      const next = fakeKeys.openai();
      await expect(
        (await manager({ keyringBackend: keyring })).storeKey('openai', next),
      ).resolves.toMatchObject({ store: 'keyring', removedFrom: ['file'] });
      expect(keyring.items.get(`${service()}/openai`)).toBe(next);
      await expect(
        (await manager({ storage: 'file' })).retrieveKey('openai'),
      ).resolves.toBeUndefined();
    });

    it('storage file never touches the keyring', async () => {
      const keyring = new MemoryKeyring();
      const m = await manager({ storage: 'file', keyringBackend: keyring });
      await m.storeKey('openai', fakeKeys.openai());
      await m.listKeys();
      expect(keyring.calls).toBe(0);
      expect((await m.status()).keyring).toMatchObject({ usable: false, reasonCode: 'disabled' });
    });

    it('turns a failing keyring call into KeyringUnavailableError ("unknown" is not "absent")', async () => {
      const keyring = new MemoryKeyring();
      const m = await manager({ keyringBackend: keyring });
      keyring.failWith = new Error('org.freedesktop.DBus.Error.NoReply');
      await expect(m.retrieveKey('openai')).rejects.toBeInstanceOf(KeyringUnavailableError);
      keyring.failWith = new KeyNotFoundError({ message: 'passed through', provider: 'openai' });
      await expect(m.storeKey('openai', fakeKeys.openai())).rejects.toThrow('passed through');
    });

    it('treats a probe that throws as an unusable keyring', async () => {
      const keyring = new MemoryKeyring();
      keyring.probe = () => Promise.reject(new Error('boom'));
      const m = await manager({ keyringBackend: keyring });
      expect((await m.status()).keyring).toMatchObject({
        usable: false,
        reason: 'the keyring probe failed: boom',
      });
    });

    it('loads the configured driver when no backend is injected, passing it the env (a missing D-Bus session here)', async () => {
      const m = await manager({
        storage: 'auto',
        keyringDriver: 'keytar',
        env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      });
      const status = await m.status();
      expect(status.keyring).toMatchObject({ driver: 'keytar', usable: false });
      expect(status.activeBackend).toBe('file');
    }, 20_000);
  });

  describe('settings', () => {
    it('reads LOCALAGENT_STORAGE and config.yaml, options winning over env winning over the file', async () => {
      writeFileSync(
        join(dir, 'config.yaml'),
        'security:\n  storage: { primary: encrypted_file }\n  audit: { enabled: false }\n',
      );
      expect((await (await manager()).status()).storage).toBe('file');
      expect(
        (
          await (
            await manager({
              env: { LOCALAGENT_STORAGE: 'keyring' },
              keyringBackend: new MemoryKeyring(),
            })
          ).status()
        ).storage,
      ).toBe('keyring');
      expect(
        (
          await (
            await manager({
              storage: 'auto',
              env: { LOCALAGENT_STORAGE: 'keyring' },
              keyringBackend: new MemoryKeyring(),
            })
          ).status()
        ).storage,
      ).toBe('auto');
      await expect(manager({ env: { LOCALAGENT_STORAGE: 'plaintext' } })).rejects.toThrow(
        /LOCALAGENT_STORAGE must be one of/,
      );
      await expect(manager({ storage: 'cloud' as 'file' })).rejects.toThrow(
        /storage must be one of/,
      );
      writeFileSync(
        join(dir, 'config.yaml'),
        'security:\n  storage: { fallback: none }\n  encryption: { key_derivation: scrypt }\n',
      );
      const status = await (
        await manager({ keyringBackend: new MemoryKeyring(), encryption: undefined })
      ).status();
      expect(status.storage).toBe('keyring');
      expect(status.kdf).toEqual({ kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
      expect(
        (await (await manager({ configFile: false, keyringBackend: new MemoryKeyring() })).status())
          .storage,
      ).toBe('auto');
      await expect(manager({ configFile: join(dir, 'absent.yaml') })).rejects.toThrow(
        /Cannot read/,
      );
    });

    it('uses LOCALAGENT_CONFIG_DIR from the given env', async () => {
      const m = await SecureKeyManager.create({ env: { LOCALAGENT_CONFIG_DIR: dir } });
      managers.push(m);
      expect(m.configDir).toBe(dir);
    });
  });

  describe('audit', () => {
    it('records every action and failure, never key material, in a chain that verifies', async () => {
      const m = await manager({ storage: 'file' });
      const key = fakeKeys.openai();
      await m.storeKey('openai', key);
      await m.retrieveKey('openai');
      await m.retrieveKey('gemini');
      await m.storeKey('openai', 'bad').catch(() => undefined);
      await m.listKeys();
      await m.rotateKey('openai', fakeKeys.openai());
      await m.deleteKey('openai');
      const lines = readFileSync(join(dir, 'audit.log'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => `${String(l['action'])}:${String(l['outcome'])}`)).toEqual([
        'store:success',
        'retrieve:success',
        'retrieve:not_found',
        'store:failure',
        'list:success',
        'rotate:success',
        'delete:success',
      ]);
      expect(lines[3]).toMatchObject({ code: 'LA_KEY_INVALID', provider: 'openai' });
      expect(lines[0]).toMatchObject({ backend: 'file', fingerprint: `sk-proj-…${key.slice(-4)}` });
      expect(readFileSync(join(dir, 'audit.log'), 'utf8')).not.toContain(key);
      await expect(verifyAuditLog(join(dir, 'audit.log'))).resolves.toEqual({
        ok: true,
        entries: 7,
      });
    });

    it('audits attempts that fail before any backend is reached: an invalid provider name, a closed manager', async () => {
      const m = await manager({ storage: 'file' });
      const pasted = fakeKeys.generic(); // lower-case hex: a valid-looking name, but passed where a name is invalid below
      await expect(m.storeKey('Bad Name', fakeKeys.openai())).rejects.toMatchObject({
        code: 'LA_CONFIG_INVALID',
      });
      await expect(m.retrieveKey(`${pasted} `)).rejects.toMatchObject({
        code: 'LA_CONFIG_INVALID',
      });
      await expect(m.rotateKey('Bad Name', fakeKeys.openai())).rejects.toMatchObject({
        code: 'LA_CONFIG_INVALID',
      });
      await expect(m.deleteKey('Bad Name')).rejects.toMatchObject({ code: 'LA_CONFIG_INVALID' });
      await expect(m.changeMasterPassword('')).rejects.toMatchObject({
        code: 'LA_MASTER_PASSWORD_REQUIRED',
      });
      m.close();
      await expect(m.retrieveKey('openai')).rejects.toThrow(/closed/);
      await expect(m.storeKey('openai', fakeKeys.openai())).rejects.toThrow(/closed/);
      await expect(m.listKeys()).rejects.toThrow(/closed/);
      await expect(m.changeMasterPassword('new')).rejects.toThrow(/closed/);
      const text = readFileSync(join(dir, 'audit.log'), 'utf8');
      const lines = text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => [l['action'], l['outcome'], l['code'], l['provider']])).toEqual([
        ['store', 'failure', 'LA_CONFIG_INVALID', undefined],
        ['retrieve', 'failure', 'LA_CONFIG_INVALID', undefined],
        ['rotate', 'failure', 'LA_CONFIG_INVALID', undefined],
        ['delete', 'failure', 'LA_CONFIG_INVALID', undefined],
        ['change_password', 'failure', 'LA_MASTER_PASSWORD_REQUIRED', undefined],
        ['retrieve', 'failure', 'LA_CONFIG_INVALID', 'openai'],
        ['store', 'failure', 'LA_CONFIG_INVALID', 'openai'],
        ['list', 'failure', 'LA_CONFIG_INVALID', undefined],
        ['change_password', 'failure', 'LA_CONFIG_INVALID', undefined],
      ]);
      // an invalid name is not written to the log: it may be anything, a pasted key included
      expect(text).not.toContain(pasted);
      await expect(verifyAuditLog(join(dir, 'audit.log'))).resolves.toEqual({
        ok: true,
        entries: 9,
      });
    });

    it('a closed manager whose audit log cannot be written any more still fails with its own error', async () => {
      const logger = captureLogger();
      const m = await manager({ storage: 'file', logger });
      m.close();
      removeDir(dir);
      writeFileSync(dir, ''); // the config dir is now a file: nothing can be appended under it
      try {
        await expect(m.retrieveKey('openai')).rejects.toThrow(/closed/);
        expect(logger.warnings.filter((w) => w.includes('audit log'))).toHaveLength(1);
      } finally {
        removeDir(dir);
      }
    });

    it('can be turned off, and an unwritable audit log is reported once without blocking key access', async () => {
      const off = await manager({ storage: 'file', audit: false });
      await off.storeKey('openai', fakeKeys.openai());
      expect(existsSync(join(dir, 'audit.log'))).toBe(false);
      const logger = captureLogger();
      const m = await manager({ storage: 'file', logger });
      mkdirSync(join(dir, 'audit.log'));
      await m.retrieveKey('openai');
      await m.retrieveKey('openai');
      expect(logger.warnings.filter((w) => w.includes('audit log'))).toHaveLength(1);
    });
  });
});

describe('SecureKeyManager: one copy per key, one namespace per config dir', () => {
  let dir: string;
  let managers: SecureKeyManager[];
  beforeEach(() => {
    dir = tempDir('la-stores-');
    managers = [];
  });
  afterEach(() => {
    for (const m of managers) m.close();
    removeDir(dir);
  });
  const service = (configDir = dir): string => keyringServiceFor(configDir, '/nonexistent/default');

  async function manager(options: SecureKeyManagerOptions = {}): Promise<SecureKeyManager> {
    const m = await SecureKeyManager.create({
      configDir: dir,
      env: {},
      masterPassword: 'correct horse',
      logger: captureLogger(),
      ...FAST,
      ...options,
    });
    managers.push(m);
    return m;
  }

  it('reads a keyring key without opening keys.enc (finding 1: no password asked for a file it does not need)', async () => {
    const keyring = new MemoryKeyring();
    await (await manager({ storage: 'file' })).storeKey('groq', fakeKeys.groq());
    const key = fakeKeys.openai();
    await (await manager({ keyringBackend: keyring })).storeKey('openai', key);
    let asked = 0;
    const headless = await manager({
      keyringBackend: keyring,
      masterPassword: () => {
        asked += 1;
        return '';
      },
    });
    await expect(headless.retrieveKey('openai')).resolves.toBe(key);
    // what `get-key` shows: the key in effect, described, from the one store that holds it
    await expect(headless.describeKey('openai')).resolves.toEqual({
      provider: 'openai',
      source: 'keyring',
      fingerprint: expect.stringMatching(/^sk-proj-…/),
      active: true,
    });
    await expect(
      getApiKey('openai', { configDir: dir, env: {}, keyringBackend: keyring }),
    ).resolves.toBe(key);
    expect(asked).toBe(0);
    // the file's key is described from the file, and a missing one is undefined
    const fileKey = await manager({ keyringBackend: keyring });
    await expect(fileKey.describeKey('groq')).resolves.toMatchObject({ source: 'file' });
    await expect(fileKey.describeKey('mistral')).resolves.toBeUndefined();
    await expect(
      (
        await manager({ env: { GROQ_API_KEY: fakeKeys.groq() }, keyringBackend: keyring })
      ).describeKey('groq'),
    ).resolves.toMatchObject({ source: 'env' });
  });

  it('set-key --storage file over a keyring key removes the keyring copy (finding 2)', async () => {
    const keyring = new MemoryKeyring();
    await (await manager({ keyringBackend: keyring })).storeKey('openai', fakeKeys.openai());
    const next = fakeKeys.openai();
    await expect(
      (await manager({ storage: 'file', keyringBackend: keyring })).storeKey('openai', next),
    ).resolves.toMatchObject({
      store: 'file',
      removedFrom: ['keyring'],
      previousFingerprint: expect.stringMatching(/^sk-proj-…/),
    });
    expect(keyring.items.has(`${service()}/openai`)).toBe(false);
    // what the desktop (auto) now reads is the new key
    await expect((await manager({ keyringBackend: keyring })).retrieveKey('openai')).resolves.toBe(
      next,
    );
  });

  it('a session that cannot reach the keyring refuses to write a key the keyring holds, and changes nothing (finding 2, SSH)', async () => {
    const keyring = new MemoryKeyring();
    const old = fakeKeys.openai();
    await (await manager({ keyringBackend: keyring })).storeKey('openai', old);
    const ssh = await manager({
      keyringBackend: new MemoryKeyring({
        usable: false,
        reasonCode: 'no-dbus',
        reason: 'no D-Bus',
      }),
    });
    for (const attempt of [
      ssh.rotateKey('openai', fakeKeys.openai()),
      ssh.storeKey('openai', fakeKeys.openai()),
    ]) {
      await expect(attempt).rejects.toMatchObject({
        code: 'LA_KEYRING_UNAVAILABLE',
        message: expect.stringContaining('cannot be reached now') as string,
      });
    }
    await expect(ssh.retrieveKey('openai')).rejects.toBeInstanceOf(KeyringUnavailableError);
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    expect(keyring.items.get(`${service()}/openai`)).toBe(old);
    // another provider's key has no copy in the keyring: it goes to the file
    await expect(ssh.storeKey('groq', fakeKeys.groq())).resolves.toMatchObject({ store: 'file' });
    expect(await ssh.keyInventory()).toMatchObject({
      unavailable: [{ store: 'keyring', reason: 'no D-Bus', providers: ['openai'] }],
    });
  });

  it('keyring items carry the config dir: two dirs never see each other’s keys (finding 4)', async () => {
    const keyring = new MemoryKeyring();
    const other = join(dir, 'other');
    const a = await manager({ keyringBackend: keyring });
    const b = await manager({ configDir: other, keyringBackend: keyring });
    const keyA = fakeKeys.openai();
    await a.storeKey('openai', keyA);
    await expect(b.retrieveKey('openai')).resolves.toBeUndefined();
    expect(await b.listKeys()).toEqual([]);
    const keyB = fakeKeys.openai();
    await b.storeKey('openai', keyB);
    await expect(a.retrieveKey('openai')).resolves.toBe(keyA);
    expect([...keyring.items.keys()].sort()).toEqual(
      [`${service()}/openai`, `${service(other)}/openai`].sort(),
    );
    // the default config dir keeps the service name keys were stored under before
    expect(keyringServiceFor('/home/u/.config/localagent', '/home/u/.config/localagent')).toBe(
      'localagent',
    );
  });

  it('list-keys reports a locked keyring as unavailable instead of leaving its keys out (finding 7)', async () => {
    const logger = captureLogger();
    const m = await manager({
      keyringBackend: new MemoryKeyring({ usable: false, reasonCode: 'locked', reason: 'locked' }),
      logger,
    });
    await m.storeKey('groq', fakeKeys.groq());
    const inventory = await m.keyInventory();
    expect(inventory.unavailable).toEqual([{ store: 'keyring', reason: 'locked' }]);
    expect(inventory.keys.map((k) => k.source)).toEqual(['file']);
    await m.listKeys();
    expect(logger.warnings.filter((w) => w.startsWith('Could not list'))).toEqual([
      'Could not list the keys in the keyring store: locked.',
    ]);
  });

  it('a stale copy that cannot be removed fails the write and puts the target back as it was', async () => {
    const keyring = new MemoryKeyring();
    const old = fakeKeys.openai();
    await (await manager({ keyringBackend: keyring })).storeKey('openai', old);
    keyring.delete = () => Promise.reject(new Error('org.freedesktop.Secret.Error.IsLocked'));
    const m = await manager({ keyringBackend: keyring });
    await expect(m.storeKey('openai', fakeKeys.openai(), { store: 'file' })).rejects.toThrow(
      'IsLocked',
    );
    // the file copy written first was removed again: the keyring's key is the only one, unchanged
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    expect(keyring.items.get(`${service()}/openai`)).toBe(old);
    await expect(m.retrieveKey('openai')).resolves.toBe(old);
  });

  it('store names: an unknown one is a ConfigurationError; rotate can move a key when asked', async () => {
    const keyring = new MemoryKeyring();
    const m = await manager({ keyringBackend: keyring });
    await m.storeKey('openai', fakeKeys.openai(), { store: 'file' });
    await expect(m.storeKey('openai', fakeKeys.openai(), { store: 'vault' })).rejects.toThrow(
      'Unknown key store "vault"; known stores: keyring, file.',
    );
    await expect(
      m.rotateKey('openai', fakeKeys.openai(), { store: 'keyring' }),
    ).resolves.toMatchObject({ store: 'keyring', removedFrom: ['file'] });
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    expect((await m.status()).stores).toEqual([
      {
        name: 'keyring',
        description: expect.stringContaining('the OS keyring') as string,
        state: 'usable',
      },
      { name: 'file', description: `the encrypted file ${join(dir, 'keys.enc')}`, state: 'usable' },
    ]);
  });
});
