import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyNotFoundError, maskSecrets } from '@localagent/errors';
import { keyringServiceFor } from './stores/keyring-store';
import { FAST, captureLogger, fakeKeys, removeDir, tempDir } from '../test/support/fixtures';
import { untouchableKeyring, MemoryKeyring } from '../test/support/memory-keyring';
import { getApiKey } from './get-api-key';
import { SecureKeyManager } from './secure-key-manager';

describe('getApiKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-getkey-');
  });
  afterEach(() => removeDir(dir));

  it('without a config.yaml, returns a built-in provider’s env variable touching nothing but the environment (and that absence)', async () => {
    // a config dir "inside" a regular file: any read, mkdir or lock there would fail
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const key = fakeKeys.openai();
    const options = {
      configDir: join(file, 'config'),
      env: { OPENAI_API_KEY: key },
      keyringBackend: untouchableKeyring(),
      masterPassword: () => Promise.reject(new Error('asked')),
    };
    await expect(getApiKey('openai', options)).resolves.toBe(key);
    // and the same configuration without the variable does touch them (so the test above means something)
    await expect(getApiKey('openai', { ...options, env: {} })).rejects.toThrow();
  });

  it('reads the variables config.yaml declares: a custom provider’s, and a built-in’s override, still touching nothing else', async () => {
    writeFileSync(
      join(dir, 'config.yaml'),
      'security:\n  providers:\n    my-llm: { env: [MY_TOKEN] }\n    openai: { env: [CORP_OPENAI_KEY] }\n',
    );
    const before = readdirSync(dir);
    const untouched = {
      configDir: dir,
      keyringBackend: untouchableKeyring(),
      masterPassword: () => Promise.reject(new Error('asked')),
    };
    const declared = fakeKeys.generic();
    const conventional = fakeKeys.generic();
    await expect(
      getApiKey('my-llm', {
        ...untouched,
        env: { MY_TOKEN: declared, MY_LLM_API_KEY: conventional },
      }),
    ).resolves.toBe(declared);
    const corp = fakeKeys.openai();
    await expect(
      getApiKey('openai', {
        ...untouched,
        env: { CORP_OPENAI_KEY: corp, OPENAI_API_KEY: fakeKeys.openai() },
      }),
    ).resolves.toBe(corp);
    // a built-in the config does not override keeps its variable
    const anthropic = fakeKeys.anthropic();
    await expect(
      getApiKey('anthropic', { ...untouched, env: { ANTHROPIC_API_KEY: anthropic } }),
    ).resolves.toBe(anthropic);
    expect(readdirSync(dir)).toEqual(before);
    // an explicit configFile is honoured, and `configFile: false` ignores config.yaml as the manager does
    const elsewhere = tempDir('la-getkey-cfg-');
    try {
      writeFileSync(
        join(elsewhere, 'other.yaml'),
        'security:\n  providers:\n    my-llm: { env: [OTHER_TOKEN] }\n',
      );
      await expect(
        getApiKey('my-llm', {
          ...untouched,
          configFile: join(elsewhere, 'other.yaml'),
          env: { OTHER_TOKEN: declared, MY_TOKEN: conventional },
        }),
      ).resolves.toBe(declared);
    } finally {
      removeDir(elsewhere);
    }
    await expect(
      getApiKey('my-llm', {
        ...untouched,
        configFile: false,
        env: { MY_TOKEN: declared, MY_LLM_API_KEY: conventional },
      }),
    ).resolves.toBe(conventional);
    // and "not found" names the declared variable
    const error = await getApiKey('my-llm', {
      configDir: dir,
      env: {},
      keyringBackend: new MemoryKeyring(),
      logger: captureLogger(),
    }).catch((e: unknown) => e);
    expect(KeyNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('MY_TOKEN is not set');
  });

  it('falls back to the keyring, then the encrypted file', async () => {
    const keyring = new MemoryKeyring();
    const inKeyring = fakeKeys.anthropic();
    keyring.items.set(`${keyringServiceFor(dir, '/nonexistent/default')}/anthropic`, inKeyring);
    const options = {
      configDir: dir,
      env: {},
      masterPassword: 'pass phrase 12+',
      logger: captureLogger(),
      ...FAST,
    };
    const inFile = fakeKeys.groq();
    const m = await SecureKeyManager.create({ ...options, storage: 'file' });
    await m.storeKey('groq', inFile);
    m.close();
    await expect(getApiKey('anthropic', { ...options, keyringBackend: keyring })).resolves.toBe(
      inKeyring,
    );
    await expect(getApiKey('groq', { ...options, keyringBackend: keyring })).resolves.toBe(inFile);
  });

  it('throws KeyNotFoundError whose suggestion is the exact set-key command', async () => {
    const error = await getApiKey('mistral', {
      configDir: dir,
      env: {},
      keyringBackend: new MemoryKeyring(),
    }).catch((e: unknown) => e);
    expect(KeyNotFoundError.isInstance(error)).toBe(true);
    expect((error as KeyNotFoundError).suggestion).toBe(
      'Run `localagent config set-key mistral` to store a key.',
    );
    expect((error as Error).message).toContain('MISTRAL_API_KEY');
  });

  it('registers every key it hands out with @localagent/errors, so every log and error masks it', async () => {
    const key = 'unusual-format-' + Math.random().toString(36).slice(2, 12);
    await expect(getApiKey('my-llm', { env: { MY_LLM_API_KEY: key } })).resolves.toBe(key);
    expect(maskSecrets(`using ${key} now`)).not.toContain(key);
  });
});
