import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPacked, runNode } from '../../../test-support/packed';

// The published tarball, installed outside the workspace, used from ESM and CJS in real processes.
describe('built @localagent/logging', () => {
  let dir: string;
  beforeAll(() => {
    dir = installPacked(join(__dirname, '..'));
  }, 120_000);

  it('/config is side-effect free: the section and the lists, without winston (CJS and ESM)', () => {
    const probe = (load: string): string => `${load}
      const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](winston|logform)/.test(f));
      console.log(JSON.stringify({ levels: C.LOG_LEVELS, formats: C.LOG_FORMATS.length, section: typeof C.loggingConfigSection.resolve, loaded }));`;
    const expected = {
      levels: ['debug', 'info', 'warning', 'error', 'critical'],
      formats: 4,
      section: 'function',
      loaded: [],
    };
    expect(
      JSON.parse(runNode(dir, 'cjs', probe(`const C = require('@localagent/logging/config');`))),
    ).toEqual(expected);
    const esm = runNode(
      dir,
      'esm',
      `import * as C from '@localagent/logging/config'; console.log(JSON.stringify(C.LOG_LEVELS));`,
    );
    expect(JSON.parse(esm)).toEqual(expected.levels);
  });

  it('imports from ESM and writes a masked JSON line', () => {
    const out = runNode(
      dir,
      'esm',
      `import { createLogger, withContext } from '@localagent/logging';
       const log = createLogger({ format: 'json', console: { stream: 'stdout' }, service: 'probe' });
       const key = ['sk', 'proj', 'Q'.repeat(30)].join('-');
       withContext({ requestId: 'r-1' }, () => log.info('calling with ' + key, { password: 'pw' }));
       await log.close();`,
    );
    expect(JSON.parse(out)).toMatchObject({
      level: 'INFO',
      message: 'calling with [REDACTED]',
      service: 'probe',
      requestId: 'r-1',
      password: '[REDACTED]',
    });
  });

  it('shares registered secrets and the request context between the CJS and ESM copies', () => {
    const out = runNode(
      dir,
      'cjs',
      `const cjs = require('@localagent/logging');
       import('@localagent/logging').then(async (esm) => {
         cjs.registerSecret('opaque-key-of-unknown-format');
         const log = esm.createLogger({ format: 'json', console: { stream: 'stdout' } });
         cjs.withContext({ requestId: 'shared' }, () => log.info('key opaque-key-of-unknown-format'));
         console.log(JSON.stringify(esm.redact({ note: 'opaque-key-of-unknown-format' })));
         await log.close();
       });`,
    );
    const [line, redacted] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ message: 'key [REDACTED]', requestId: 'shared' });
    expect(redacted).toEqual({ note: '[REDACTED]' });
  });

  it('after close(), all 100,000 lines are on disk across the rotated files, even when the process exits at once', () => {
    const logs = mkdtempSync(join(tmpdir(), 'la-exit-'));
    const out = runNode(
      dir,
      'cjs',
      `const { createLogger } = require('@localagent/logging');
       (async () => {
         const log = createLogger({ console: false, file: { path: process.env.LOG_PATH, maxSize: '2m' } });
         for (let i = 0; i < 100000; i++) {
           log.info('line', { i });
           if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
         }
         await log.close();
         console.log('closed');
         process.exit(0);
       })();`,
      { LOG_PATH: join(logs, 'agent.log') },
    );
    expect(out.trim()).toBe('closed');
    const files = readdirSync(logs).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(2);
    const seen = new Uint8Array(100_000);
    let count = 0;
    for (const file of files) {
      for (const line of readFileSync(join(logs, file), 'utf8').split('\n')) {
        if (line === '') continue;
        const { i } = JSON.parse(line) as { i: number };
        seen[i] = 1;
        count += 1;
      }
    }
    expect(count).toBe(100_000);
    expect(seen.every((v) => v === 1)).toBe(true);
  }, 60_000);
});
