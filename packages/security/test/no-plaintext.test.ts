import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fakeKeys, removeDir, tempDir } from './support/fixtures';
import { assertBuilt, run, writeScript } from './support/dist';

/** Every file under `root`, recursively. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The forms a key could take on disk: as is, UTF-16, base64, hex. */
function forms(key: string): Buffer[] {
  return [
    Buffer.from(key),
    Buffer.from(key, 'utf16le'),
    Buffer.from(Buffer.from(key).toString('base64')),
    Buffer.from(Buffer.from(key).toString('hex')),
  ];
}

describe('no plaintext anywhere', () => {
  let configDir: string;
  let scratch: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    configDir = tempDir('la-plain-config-');
    scratch = tempDir('la-plain-tmp-');
  });
  afterEach(() => {
    removeDir(configDir);
    removeDir(scratch);
  });

  it('after a full store/rotate/delete session, no file in the config dir or the temp dir holds any key', async () => {
    const keys = {
      openai: fakeKeys.openai(),
      anthropic: fakeKeys.anthropic(),
      gemini: fakeKeys.gemini(),
      rotated: fakeKeys.openai(),
    };
    const script = writeScript(
      scratch,
      'session.cjs',
      `const { SecureKeyManager, getApiKey } = require(DIST);
       const keys = JSON.parse(process.argv[2]);
       (async () => {
         const options = { configDir: ${JSON.stringify(configDir)}, storage: 'file', masterPassword: 'pass phrase 12+', env: {}, encryption: { iterations: 100000 } };
         const m = await SecureKeyManager.create(options);
         await m.storeKey('openai', keys.openai);
         await m.storeKey('anthropic', keys.anthropic);
         await m.storeKey('gemini', keys.gemini);
         await m.retrieveKey('openai');
         await m.listKeys();
         await m.rotateKey('openai', keys.rotated);
         await m.deleteKey('anthropic');
         await m.storeKey('openai', 'bad key').catch(() => {});
         m.close();
         if (await getApiKey('gemini', options) !== keys.gemini) throw new Error('gemini lost');
         if (await getApiKey('openai', options) !== keys.rotated) throw new Error('rotation lost');
       })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`,
    );
    // TMPDIR points the library's (and Node's) temporary files at a directory this test scans
    const result = await run(script, [JSON.stringify(keys)], { TMPDIR: scratch });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });

    const scanned = [...files(configDir), ...files(scratch)];
    expect(
      scanned
        .map((f) => f.replace(configDir, '<config>'))
        .filter((f) => f.startsWith('<config>'))
        .sort(),
    ).toEqual(['<config>/audit.log', '<config>/keys.enc']);
    for (const file of scanned) {
      const content = readFileSync(file);
      for (const key of Object.values(keys)) {
        for (const form of forms(key))
          expect({ file, found: content.includes(form) }).toEqual({ file, found: false });
      }
    }
  }, 60_000);
});
