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

  // classifyError, fromHttpResponse, explain and formatError through the published files
  const probe = `
    const body = { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };
    const quota = E.fromHttpResponse({ provider: 'openai', status: 429, headers: new Headers({ 'x-request-id': 'req_1' }), body: JSON.stringify(body) });
    const limited = E.fromHttpResponse({ provider: 'anthropic', status: 429, headers: { 'retry-after': '20' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } });
    const net = E.classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), { provider: 'ollama' });
    const unknown = E.classifyError('boom');
    console.log(JSON.stringify({
      quota: [quota.name, quota.code, quota.category, quota.retryable, quota.requestId, E.QuotaExceededError.isInstance(quota)],
      limited: [limited.code, limited.retryable, limited.retryAfterMs],
      net: [net.name, net.code, E.NetworkError.isInstance(net)],
      unknown: [unknown.code, unknown.category],
      explain: E.explain('LA_RATE_LIMITED').category,
      missing: E.explain('LA_NOPE') === undefined,
      formatted: E.formatError(limited, { env: {} }).split('\\n')[0],
    }));`;
  const expected = {
    quota: ['QuotaExceededError', 'LA_QUOTA_EXCEEDED', 'user', false, 'req_1', true],
    limited: ['LA_RATE_LIMITED', true, 20000],
    net: ['NetworkError', 'LA_NETWORK', true],
    unknown: ['LA_INTERNAL', 'system'],
    explain: 'transient',
    missing: true,
    formatted: 'Error [LA_RATE_LIMITED]: anthropic returned HTTP 429: slow down',
  };

  it('classifies, maps HTTP responses and explains codes from ESM', () => {
    const out = runNode(dir, 'esm', `import * as E from '@localagent/errors';\n${probe}`);
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('classifies, maps HTTP responses and explains codes from CJS', () => {
    const out = runNode(dir, 'cjs', `const E = require('@localagent/errors');\n${probe}`);
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('ships ERRORS.md and the README', () => {
    const out = runNode(
      dir,
      'cjs',
      `const fs = require('node:fs'); const p = require.resolve('@localagent/errors/package.json').replace(/package\\.json$/, ''); console.log(JSON.stringify([fs.existsSync(p + 'ERRORS.md'), fs.existsSync(p + 'README.md')]));`,
    );
    expect(JSON.parse(out)).toEqual([true, true]);
  });
});
