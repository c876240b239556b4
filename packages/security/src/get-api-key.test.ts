import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyNotFoundError } from '@localagent/errors';
import { redact } from '@localagent/logging';
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

  it('returns the env variable without touching the keyring, the key file or the config dir', async () => {
    // a config dir "inside" a regular file: any read, mkdir or lock there would fail
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const key = fakeKeys.openai();
    const options = { configDir: join(file, 'config'), env: { OPENAI_API_KEY: key }, keyringBackend: untouchableKeyring(), masterPassword: () => Promise.reject(new Error('asked')) };
    await expect(getApiKey('openai', options)).resolves.toBe(key);
    // and the same configuration without the variable does touch them (so the test above means something)
    await expect(getApiKey('openai', { ...options, env: {} })).rejects.toThrow();
  });

  it('falls back to the keyring, then the encrypted file', async () => {
    const keyring = new MemoryKeyring();
    const inKeyring = fakeKeys.anthropic();
    keyring.items.set('localagent/anthropic', inKeyring);
    const options = { configDir: dir, env: {}, masterPassword: 'pw', logger: captureLogger(), ...FAST };
    const inFile = fakeKeys.groq();
    const m = await SecureKeyManager.create({ ...options, storage: 'file' });
    await m.storeKey('groq', inFile);
    m.close();
    await expect(getApiKey('anthropic', { ...options, keyringBackend: keyring })).resolves.toBe(inKeyring);
    await expect(getApiKey('groq', { ...options, keyringBackend: keyring })).resolves.toBe(inFile);
  });

  it('throws KeyNotFoundError whose suggestion is the exact set-key command', async () => {
    const error = await getApiKey('mistral', { configDir: dir, env: {}, keyringBackend: new MemoryKeyring() }).catch((e: unknown) => e);
    expect(KeyNotFoundError.isInstance(error)).toBe(true);
    expect((error as KeyNotFoundError).suggestion).toBe('Run `localagent config set-key mistral` to store a key.');
    expect((error as Error).message).toContain('MISTRAL_API_KEY');
  });

  it('registers every key it hands out with @localagent/logging, so logs mask it', async () => {
    const key = 'unusual-format-' + Math.random().toString(36).slice(2, 12);
    await expect(getApiKey('my-llm', { env: { MY_LLM_API_KEY: key } })).resolves.toBe(key);
    expect(redact(`using ${key} now`)).not.toContain(key);
  });
});
