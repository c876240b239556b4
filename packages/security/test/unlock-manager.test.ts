import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptionError } from '@localagent/errors';
import { SecureKeyManager } from '../src/secure-key-manager';
import type { SecureKeyManagerOptions } from '../src/resolve-options';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from './support/fixtures';

// SecureKeyManager with a real unlock agent (a detached process on a socket in a private runtime
// dir): later managers open the key file without the password; unlocking again and changing the
// password still need the password itself, not the agent's key.
jest.setTimeout(60_000);

const PASSWORD = 'unlock pass phrase';
let dir: string;
let env: Record<string, string>;
const managers: SecureKeyManager[] = [];

beforeEach(() => {
  dir = tempDir('la-unlock-manager-');
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  env = { XDG_RUNTIME_DIR: runtime };
});
afterEach(async () => {
  await managers[0]?.lock().catch(() => false);
  for (const m of managers.splice(0)) m.close();
  removeDir(dir);
});

async function manager(options: SecureKeyManagerOptions = {}): Promise<SecureKeyManager> {
  const m = await SecureKeyManager.create({
    configDir: join(dir, 'config'),
    storage: 'file',
    env,
    masterPassword: PASSWORD,
    logger: captureLogger(),
    ...FAST,
    ...options,
  });
  managers.push(m);
  return m;
}

/** A password source that counts how often it is asked, answering `answer`. */
function counted(answer: string): { source: () => string; asked: () => number } {
  let n = 0;
  return {
    source: () => {
      n += 1;
      return answer;
    },
    asked: () => n,
  };
}

it('unlock lets later managers read and write without the password; lock ends it', async () => {
  const key = fakeKeys.openai();
  const first = await manager();
  await first.storeKey('openai', key);
  const { expiresAt } = await first.unlock({ ttlMs: 60_000 });
  expect(expiresAt.getTime()).toBeGreaterThan(Date.now());

  const headless = counted('');
  const reader = await manager({ masterPassword: headless.source });
  await expect(reader.retrieveKey('openai')).resolves.toBe(key);
  // writes too: the agent's key is the file's key
  await expect(reader.storeKey('groq', fakeKeys.groq())).resolves.toMatchObject({ store: 'file' });
  expect(headless.asked()).toBe(0);

  await expect(first.lock()).resolves.toBe(true);
  await expect(first.lock()).resolves.toBe(false);
  const after = await manager({ masterPassword: undefined });
  await expect(after.retrieveKey('openai')).rejects.toMatchObject({
    code: 'LA_MASTER_PASSWORD_REQUIRED',
  });
});

it('unlocking again and changing the password need the password itself, not the agent’s key', async () => {
  const first = await manager();
  await first.storeKey('openai', fakeKeys.openai());
  await first.unlock({ ttlMs: 60_000 });

  const wrong = counted('not the pass phrase');
  const m = await manager({ masterPassword: wrong.source });
  await expect(m.retrieveKey('openai')).resolves.toBeDefined(); // through the agent
  expect(wrong.asked()).toBe(0);
  await expect(m.unlock({ ttlMs: 7 * 24 * 3_600_000 })).rejects.toBeInstanceOf(DecryptionError);
  await expect(m.changeMasterPassword('a brand new pass phrase')).rejects.toBeInstanceOf(
    DecryptionError,
  );
  expect(wrong.asked()).toBe(1); // asked once, then remembered by the manager

  // with the right one the change works, and the agent (holding the old key) is stopped
  const right = await manager();
  await expect(right.changeMasterPassword('a brand new pass phrase')).resolves.toBe(true);
  const afterChange = await manager({ masterPassword: undefined });
  await expect(afterChange.retrieveKey('openai')).rejects.toMatchObject({
    code: 'LA_MASTER_PASSWORD_REQUIRED',
  });
});

it('unlock without a key file says so', async () => {
  const m = await manager();
  await expect(m.unlock({ ttlMs: 60_000 })).rejects.toMatchObject({ code: 'LA_KEY_NOT_FOUND' });
});
