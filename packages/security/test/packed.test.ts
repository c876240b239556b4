import { join } from 'node:path';
import { installPacked, runNode } from '../../../test-support/packed';
import { removeDir, tempDir } from './support/fixtures';

// The published tarball, imported from ESM and required from CJS outside the workspace: the
// schema is embedded, the dependencies resolve, and a key round-trips through the file.
describe('built @localagent/security', () => {
  let dir: string;
  let configDir: string;
  beforeAll(() => {
    dir = installPacked(join(__dirname, '..'));
  }, 120_000);
  afterAll(() => removeDir(dir));
  beforeEach(() => {
    configDir = tempDir('la-packed-config-');
  });
  afterEach(() => removeDir(configDir));

  const session = (load: string): string => `${load}
    const fs = require('node:fs');
    (async () => {
      fs.writeFileSync(${JSON.stringify(join(configDir, 'config.yaml'))}, 'security:\\n  storage: { primary: encrypted_file }\\n');
      const config = await s.loadSecurityConfig(${JSON.stringify(join(configDir, 'config.yaml'))});
      const options = { configDir: ${JSON.stringify(configDir)}, env: { LOCALAGENT_MASTER_PASSWORD: 'pass phrase 12+' }, encryption: { iterations: 100000 } };
      const m = await s.SecureKeyManager.create(options);
      const key = 'gsk_' + 'Q'.repeat(30);
      await m.storeKey('groq', key);
      m.close();
      const back = await s.getApiKey('groq', options);
      const audit = await s.verifyAuditLog(${JSON.stringify(join(configDir, 'audit.log'))});
      const bad = await s.getApiKey('cohere', options).catch((e) => e.code);
      const wrong = await s.getApiKey('groq', { ...options, env: { LOCALAGENT_MASTER_PASSWORD: 'not the pass phrase' } }).catch((e) => e.code);
      const fromEnv = await s.getApiKey('groq', { ...options, env: { GROQ_API_KEY: 'gsk_' + 'E'.repeat(30) } });
      console.log(JSON.stringify({ primary: config.storage.primary, same: back === key, audit, bad, wrong, env: fromEnv.slice(0, 6), providers: Object.keys(s.PROVIDERS).length }));
    })();`;

  const expected = {
    primary: 'encrypted_file',
    same: true,
    audit: { ok: true, entries: 2 },
    bad: 'LA_KEY_NOT_FOUND',
    wrong: 'LA_DECRYPTION_FAILED',
    env: 'gsk_EE',
    providers: 11,
  };

  it('/config is side-effect free: the section, modes and names, without the key store (CJS and ESM)', () => {
    const cjs = runNode(
      dir,
      'cjs',
      `const C = require('@localagent/security/config');
       const loaded = Object.keys(require.cache).filter((f) => /security[\\/]dist[\\/]index|write-file-atomic|@napi-rs|keytar/.test(f));
       console.log(JSON.stringify({ storage: C.STORAGE_MODES, validation: C.VALIDATION_MODES, key: C.KEY_FILE_NAME, openai: C.BUILT_IN_PROVIDERS.includes('openai'), name: C.isValidProviderName('my-llm'), loaded }));`,
    );
    expect(JSON.parse(cjs)).toEqual({
      storage: ['auto', 'keyring', 'file'],
      validation: ['format', 'live', 'none'],
      key: 'keys.enc',
      openai: true,
      name: true,
      loaded: [],
    });
    const esm = runNode(
      dir,
      'esm',
      `import { STORAGE_MODES } from '@localagent/security/config'; console.log(JSON.stringify(STORAGE_MODES));`,
    );
    expect(JSON.parse(esm)).toEqual(['auto', 'keyring', 'file']);
  });

  it('works when required from CJS', () => {
    const out = runNode(dir, 'cjs', session(`const s = require('@localagent/security');`));
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('works when imported from ESM', () => {
    const source = session(
      `import * as s from '@localagent/security'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);`,
    );
    const out = runNode(dir, 'esm', source);
    expect(JSON.parse(out)).toEqual(expected);
  });
});
