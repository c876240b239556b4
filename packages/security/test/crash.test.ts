import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from './support/fixtures';
import { assertBuilt, loadDist, writeScript } from './support/dist';

const ROUNDS = 8;

// A writer killed with SIGKILL (no exit handlers run) in the middle of its writes, again and again:
// the file is always readable and holds the old or the new content, and the next writer gets past
// the dead writer's lock once it is stale.
describe('SIGKILL in the middle of writes', () => {
  let dir: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    dir = tempDir('la-crash-');
  });
  afterEach(() => removeDir(dir));

  it(`leaves a readable file with the old or the new key, ${ROUNDS} times in a row`, async () => {
    const { SecureKeyManager, verifyAuditLog } = loadDist();
    const configDir = join(dir, 'config');
    const options = {
      configDir,
      storage: 'file' as const,
      masterPassword: 'pass phrase 12+',
      env: {},
      audit: false,
      encryption: { iterations: 100_000 },
    };
    const setup = await SecureKeyManager.create(options);
    await setup.storeKey('stable', 'stable-key-value', { validate: 'none' });
    setup.close();

    const writer = writeScript(
      dir,
      'writer.cjs',
      `const { SecureKeyManager } = require(DIST);
       (async () => {
         const m = await SecureKeyManager.create({ ...${JSON.stringify(options)}, audit: true, lockStaleMs: 2000 });
         const round = process.argv[2];
         for (let i = 0; ; i++) {
           const value = 'round' + round + '-write' + i;
           process.stdout.write('writing ' + value + '\\n');
           await m.storeKey('crash', value, { validate: 'none' });
           process.stdout.write('stored ' + value + '\\n');
         }
       })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`,
    );

    let previous: string | undefined;
    for (let round = 0; round < ROUNDS; round += 1) {
      const child = spawn(process.execPath, [writer, String(round)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let killing = false;
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const killAfter = 1 + (round % 4); // stores completed before the kill, varied per round
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const stored = out.split('\n').filter((l) => l.startsWith('stored ')).length;
          // writes run back to back, mostly inside the lock: a kill at a varied instant lands mid-write
          if (stored >= killAfter && !killing) {
            killing = true;
            setTimeout(() => child.kill('SIGKILL'), (round * 7) % 13);
          }
        });
        // 'close', not 'exit': only then has every line the writer printed been read
        child.on('close', (code, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${err}`)),
        );
      });
      const lines = out.trimEnd().split('\n');
      const stored = lines.filter((l) => l.startsWith('stored ')).map((l) => l.slice(7));
      const inFlight = lines
        .filter((l) => l.startsWith('writing '))
        .map((l) => l.slice(8))
        .pop();
      const old = stored[stored.length - 1] ?? previous;

      const reader = await SecureKeyManager.create(options);
      const now = await reader.retrieveKey('crash');
      expect([old, inFlight]).toContain(now);
      await expect(reader.retrieveKey('stable')).resolves.toBe('stable-key-value');
      reader.close();
      previous = now;
    }
    // leftover temp files of killed writers hold ciphertext only, and the next writer removes them
    const leftovers = ['keys.enc', 'keys.enc.lock', 'keys.lock', 'audit.log', 'audit.log.lock'];
    expect(
      readdirSync(configDir).filter((f) => !leftovers.includes(f) && !/^keys\.enc\.\d+$/.test(f)),
    ).toEqual([]);
    // the writers' audit lines survived the kills as one intact chain (a dead writer's audit lock is taken over)
    const audit = await verifyAuditLog(join(configDir, 'audit.log'));
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThanOrEqual(ROUNDS);
  }, 120_000);
});
