import { join } from 'node:path';
import { removeDir, tempDir } from './support/fixtures';
import { assertBuilt, loadDist, run, writeScript } from './support/dist';

// 20 CLI processes storing different providers into one key file at the same time: every
// read-modify-write happens inside the inter-process lock, so none of the 20 updates is lost.
describe('20 concurrent processes', () => {
  let dir: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    dir = tempDir('la-concurrent-');
  });
  afterEach(() => removeDir(dir));

  it('all store into one encrypted file, and all 20 keys are there; the audit chain stays intact', async () => {
    const configDir = join(dir, 'config');
    const script = writeScript(
      dir,
      'store.cjs',
      `const { SecureKeyManager } = require(DIST);
       (async () => {
         const m = await SecureKeyManager.create({ configDir: ${JSON.stringify(configDir)}, storage: 'file', masterPassword: 'pass phrase 12+', env: {}, encryption: { iterations: 100000 } });
         await m.storeKey(process.argv[2], process.argv[3], { validate: 'none' });
         m.close();
       })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`,
    );
    const keys = Array.from(
      { length: 20 },
      (_, i) =>
        [
          `p${String(i + 1).padStart(2, '0')}`,
          `key-${i}-${Math.random().toString(36).slice(2)}`,
        ] as const,
    );
    const results = await Promise.all(keys.map(([provider, key]) => run(script, [provider, key])));
    for (const r of results)
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });

    const { SecureKeyManager, verifyAuditLog } = loadDist();
    const m = await SecureKeyManager.create({
      configDir,
      storage: 'file',
      masterPassword: 'pass phrase 12+',
      env: {},
      audit: false,
    });
    const listed = await m.listKeys();
    expect(listed.map((k) => k.provider)).toEqual(keys.map(([p]) => p));
    for (const [provider, key] of keys) await expect(m.retrieveKey(provider)).resolves.toBe(key);
    m.close();
    await expect(verifyAuditLog(join(configDir, 'audit.log'))).resolves.toEqual({
      ok: true,
      entries: 20,
    });
  }, 120_000);
});
