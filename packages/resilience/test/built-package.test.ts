import { join } from 'node:path';
import { installPacked, runNode } from '../../../test-support/packed';

/**
 * The eight semantics of issue 5, checked against the published tarball (dist/, built by `pnpm build`),
 * from ESM and from CJS, each in a real child process outside the workspace.
 */
const probe = `
const { createPolicy, PolicyRegistry } = lib;
const { ProviderUnavailableError, AuthenticationError, RateLimitError, InvalidRequestError, CircuitOpenError } = errors;
const down = () => new ProviderUnavailableError({ provider: 'acme', message: 'down', status: 503 });
const recorder = () => { const waits = []; return { waits, sleep: async (ms) => { waits.push(ms); } }; };
const counted = (...failures) => { const f = async () => { f.calls++; const e = failures[f.calls - 1]; if (e) throw e(); return 'ok'; }; f.calls = 0; return f; };
const settle = (p) => p.then((v) => ({ value: v }), (e) => ({ code: e.code, retryAfterMs: e.retryAfterMs, name: e.name }));
const out = {};

// 1. maxAttempts counts attempts
{ const r = recorder(); const fn = counted(down, down, down, down);
  await settle(createPolicy({ sleep: r.sleep, circuitBreaker: false }).execute(fn)); out.attempts = fn.calls; }
// 2. only retryable errors are retried: a 401 is tried once
{ const fn = counted(() => new AuthenticationError({ provider: 'acme', message: 'bad key', status: 401 }));
  out.auth = { ...(await settle(createPolicy({ sleep: recorder().sleep }).execute(fn))), calls: fn.calls }; }
// 3. exact exponential delays without jitter, within [0, nominal] with it
{ const r = recorder(); await createPolicy({ sleep: r.sleep, retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500, jitter: false } }).execute(counted(down, down, down, down));
  const j = recorder(); await createPolicy({ sleep: j.sleep, random: () => 0.5, retry: { maxAttempts: 3, baseDelayMs: 100 } }).execute(counted(down, down));
  out.delays = r.waits; out.jittered = j.waits; }
// 4. the server's wait wins; too long fails at once with the RateLimitError
{ const r = recorder(); await createPolicy({ sleep: r.sleep }).execute(counted(() => new RateLimitError({ provider: 'acme', message: 'slow', status: 429, retryAfterMs: 250 })));
  const fn = counted(() => new RateLimitError({ provider: 'acme', message: 'slow', status: 429, retryAfterMs: 600000 }));
  out.serverWait = r.waits; out.tooLong = { ...(await settle(createPolicy({ sleep: recorder().sleep }).execute(fn))), calls: fn.calls }; }
// 5. abort during a (real, 60 s) backoff rejects at once; fn is not called again; no timer keeps the process alive
{ const policy = createPolicy({ retry: { baseDelayMs: 60000, jitter: false } }); const controller = new AbortController();
  policy.on('retry', () => setTimeout(() => controller.abort(), 5)); const fn = counted(down, down);
  out.abort = { ...(await settle(policy.execute(fn, { signal: controller.signal }))), calls: fn.calls }; }
// 6. the breaker (on an injected clock): user errors never open it; threshold opens; open fails fast; probe after recovery closes it
{ let t = 1700000000000; const policy = createPolicy({ provider: 'acme', now: () => t, retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 30000 } });
  for (let i = 0; i < 3; i++) await settle(policy.execute(counted(() => new InvalidRequestError({ provider: 'acme', message: 'bad', status: 400 }))));
  const afterUserErrors = policy.circuitState;
  await settle(policy.execute(counted(down))); await settle(policy.execute(counted(down)));
  t += 10000; const fn = counted(); const rejected = await settle(policy.execute(fn));
  t += 20000; const due = policy.circuitState; const probe = await settle(policy.execute(counted()));
  out.breaker = { afterUserErrors, rejected: rejected.code, retryAfterMs: rejected.retryAfterMs, calledWhileOpen: fn.calls, due, probe: probe.value, after: policy.circuitState }; }
// 7. one logical call whose 3 attempts fail is one breaker failure
{ const policy = createPolicy({ sleep: recorder().sleep, circuitBreaker: { failureThreshold: 2 } });
  await settle(policy.execute(counted(down, down, down))); out.logical = policy.circuitState; }
// 8. events carry provider, attempt, delay and the classified error
{ const policy = createPolicy({ provider: 'acme', sleep: recorder().sleep, retry: { baseDelayMs: 10, jitter: false } }); const seen = [];
  policy.on('retry', (e) => seen.push([e.type, e.provider, e.attempt, e.delayMs, e.error.code]));
  await policy.execute(counted(() => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))); out.events = seen; }
// persistence: state for the next process
{ const registry = new PolicyRegistry({ retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600000 } });
  await settle(registry.get('openai').execute(counted(down))); out.saved = JSON.stringify(registry); }
console.log(JSON.stringify(out));
`;

const expected = {
  attempts: 3,
  auth: { code: 'LA_AUTH_FAILED', calls: 1, name: 'AuthenticationError' },
  delays: [100, 200, 400, 500],
  jittered: [50, 100],
  serverWait: [250],
  tooLong: { code: 'LA_RATE_LIMITED', retryAfterMs: 600000, calls: 1, name: 'RateLimitError' },
  abort: { code: 'LA_ABORTED', calls: 1, name: 'AbortedError' },
  breaker: {
    afterUserErrors: 'closed',
    rejected: 'LA_CIRCUIT_OPEN',
    retryAfterMs: 20000,
    calledWhileOpen: 0,
    due: 'half-open',
    probe: 'ok',
    after: 'closed',
  },
  logical: 'closed',
  events: [['retry', 'acme', 2, 10, 'LA_NETWORK']],
};

const restore = (saved: string): string => `
const registry = lib.PolicyRegistry.fromJSON(${JSON.stringify(saved)}, { circuitBreaker: { recoveryTimeoutMs: 600000 } });
let called = false;
const result = await registry.get('openai').execute(async () => { called = true; }).then(() => 'ran', (e) => e.code);
console.log(JSON.stringify({ state: registry.get('openai').circuitState, result, called, openedAtKept: registry.toJSON().providers.openai.openedAt > 0 }));
`;

const esm = (body: string): string =>
  `import * as lib from '@localagent/resilience'; import * as errors from '@localagent/errors';\n(async () => {${body}})();`;
const cjs = (body: string): string =>
  `const lib = require('@localagent/resilience'); const errors = require('@localagent/errors');\n(async () => {${body}})();`;

describe('built @localagent/resilience', () => {
  let dir: string;
  beforeAll(() => {
    dir = installPacked(join(__dirname, '..'));
  }, 60_000);

  it.each([
    ['ESM', 'esm' as const, esm],
    ['CJS', 'cjs' as const, cjs],
  ])(
    'pins the eight semantics when imported from %s, and its saved state opens the circuit in another process',
    (_, kind, wrap) => {
      const out = JSON.parse(runNode(dir, kind, wrap(probe))) as typeof expected & {
        saved: string;
      };
      const { saved, ...semantics } = out;
      expect(semantics).toEqual(expected);
      // a later process (the other module format) restores the open circuit from the saved JSON
      const other = kind === 'esm' ? cjs : esm;
      expect(
        JSON.parse(runNode(dir, kind === 'esm' ? 'cjs' : 'esm', other(restore(saved)))),
      ).toEqual({
        state: 'open',
        result: 'LA_CIRCUIT_OPEN',
        called: false,
        openedAtKept: true,
      });
    },
    30_000,
  );
});
