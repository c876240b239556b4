import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALIDATORS, compileValidator } from '../../../scripts/compile-validators';

// Each section's validator is compiled ahead of time (no ajv at start-up); this keeps it in step with its schema.
describe('generated config validators', () => {
  it.each(VALIDATORS.map((spec) => [spec.output, spec] as const))(
    '%s matches its schema (run `pnpm gen:validators` if not)',
    (_output, spec) => {
      expect(readFileSync(join(__dirname, '..', '..', '..', spec.output), 'utf8')).toBe(
        compileValidator(spec),
      );
    },
  );

  it('needs no runtime library', () => {
    for (const spec of VALIDATORS) expect(compileValidator(spec)).not.toMatch(/\brequire\(/);
  });
});
