import { installPacked, runNode } from '../../../test-support/packed';
import { join } from 'node:path';

// The published tarball, imported from ESM and required from CJS outside the workspace.
describe('built @localagent/errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = installPacked(join(__dirname, '..'));
  }, 60_000);

  it('imports from ESM', () => {
    const out = runNode(
      dir,
      'esm',
      `import { RateLimitError, LocalAgentError } from '@localagent/errors';
       const e = new RateLimitError({ message: 'slow down', provider: 'openai', retryAfterMs: 2000 });
       console.log(JSON.stringify({ is: LocalAgentError.isInstance(e), code: e.code, retry: e.retryAfterMs }));`,
    );
    expect(JSON.parse(out)).toEqual({ is: true, code: 'LA_RATE_LIMITED', retry: 2000 });
  });

  it('requires from CJS, and errors from the CJS copy are recognised by the ESM copy', () => {
    const out = runNode(
      dir,
      'cjs',
      `const cjs = require('@localagent/errors');
       import('@localagent/errors').then((esm) => {
         const e = new cjs.TimeoutError({ message: 'slow' });
         console.log(JSON.stringify([esm.TimeoutError.isInstance(e), esm.NetworkError.isInstance(e), e instanceof esm.TimeoutError]));
       });`,
    );
    expect(JSON.parse(out)).toEqual([true, true, false]);
  });
});
