import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPacked, runNode } from '../../../test-support/packed';

// The published tarball, imported from ESM and required from CJS outside the workspace.
describe('built @localagent/config', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = installPacked(join(__dirname, '..'));
    file = join(mkdtempSync(join(tmpdir(), 'la-config-packed-')), 'config.yaml');
    writeFileSync(file, 'logging:\n  level: loud\nextra: 1\n');
  }, 60_000);

  const probe = (file: string): string => `
    const section = { schema: { properties: { level: {} } }, allowed: {}, resolve: (v) => v,
      validate: Object.assign((d) => { section.validate.errors = d.level === 'loud' ? [{ instancePath: '/level', schemaPath: '#/properties/level/enum', keyword: 'enum', params: { allowedValues: ['low'] } }] : null; return !section.validate.errors; }, { errors: null }) };
    let message;
    try { C.loadConfig({ file: ${JSON.stringify(file)}, env: {}, sections: { logging: section } }); } catch (e) { message = e.code + ' ' + e.message; }
    const ok = C.loadConfig({ file: ${JSON.stringify(file)}, env: {}, sections: {} });
    console.log(JSON.stringify({ message, warnings: ok.warnings.length, name: C.CONFIG_FILE_NAME }));`;
  const expected = {
    message: expect.stringContaining('LA_CONFIG_INVALID Invalid configuration in') as unknown,
    warnings: 1,
    name: 'config.yaml',
  };

  it('imports from ESM', () => {
    expect(
      JSON.parse(runNode(dir, 'esm', `import * as C from '@localagent/config';${probe(file)}`)),
    ).toEqual(expected);
  });

  it('requires from CJS', () => {
    expect(
      JSON.parse(runNode(dir, 'cjs', `const C = require('@localagent/config');${probe(file)}`)),
    ).toEqual(expected);
  });
});
