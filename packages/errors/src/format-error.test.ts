import { formatError } from './format-error';
import { fromHttpResponse } from './from-http-response';
import * as fixtures from './__fixtures__/provider-responses';
import { LocalAgentError } from './local-agent-error';

describe('formatError', () => {
  const key = fixtures.fakeOpenAIKey();

  it('says what happened and what to do, without a stack by default', () => {
    const text = formatError(fromHttpResponse(fixtures.openai429RateLimit), { env: {} });
    expect(text).toBe(
      [
        'Error [LA_RATE_LIMITED]: openai returned HTTP 429: Rate limit reached for gpt-4o in organization org-x1y2z3 on tokens per min (TPM): Limit 30000, Used 29634, Requested 1021. Please try again in 1.31s. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'What to do: Retry after 2 s; reduce request concurrency if this keeps happening.',
      ].join('\n'),
    );
    expect(formatError(new LocalAgentError({ message: 'no suggestion' }), { env: {} })).toBe(
      'Error [LA_INTERNAL]: no suggestion',
    );
  });

  it('classifies anything it is given', () => {
    expect(formatError(new Error('plain'), { env: {} })).toMatch(
      /^Error \[LA_INTERNAL\]: plain\nWhat to do: /,
    );
  });

  it('adds details, the stack and the masked cause chain with debug or LOCALAGENT_DEBUG=1', () => {
    const root = Object.assign(new Error(`socket closed while sending ${key}`), {
      code: 'ECONNRESET',
    });
    const middle = new TypeError('fetch failed', { cause: root });
    const err = new LocalAgentError({
      message: 'wrapped',
      code: 'LA_NETWORK',
      category: 'transient',
      cause: middle,
      details: { provider: 'openai' },
    });
    for (const text of [
      formatError(err, { debug: true, env: {} }),
      formatError(err, { env: { LOCALAGENT_DEBUG: '1' } }),
    ]) {
      expect(text).toContain('Category: transient; retryable');
      expect(text).toContain('Details: {"provider":"openai"}');
      expect(text).toContain('at '); // stack frames
      expect(text).toContain('Caused by: TypeError: fetch failed');
      expect(text).toContain('Caused by: Error: socket closed while sending [REDACTED]');
      expect(text).toContain('[ECONNRESET]');
      expect(text).not.toContain(key);
    }
    // an explicit debug: false wins over the environment
    expect(formatError(err, { debug: false, env: { LOCALAGENT_DEBUG: '1' } })).not.toContain(
      'Caused by',
    );
  });

  it('reads process.env when no env is given', () => {
    const saved = process.env['LOCALAGENT_DEBUG'];
    process.env['LOCALAGENT_DEBUG'] = '1';
    try {
      expect(formatError(new LocalAgentError({ message: 'x' }))).toContain('Category: system');
    } finally {
      if (saved === undefined) delete process.env['LOCALAGENT_DEBUG'];
      else process.env['LOCALAGENT_DEBUG'] = saved;
    }
  });

  it('stops at cycles, shows nested LocalAgent errors with their code and non-errors as masked JSON', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const inner = new LocalAgentError({
      message: 'inner',
      code: 'LA_STORAGE_FAILED',
      cause: { token: 'abc', n: 1 },
    });
    const text = formatError(new LocalAgentError({ message: 'outer', cause: inner }), {
      debug: true,
      env: {},
    });
    expect(text).toContain('[LA_STORAGE_FAILED]');
    expect(text).toContain('Caused by: {"token":"[REDACTED]","n":1}');
    const cyclic = formatError(new LocalAgentError({ message: 'top', cause: b }), {
      debug: true,
      env: {},
    });
    expect(cyclic.match(/Caused by/g)).toHaveLength(2);
    const unserialisable = formatError(new LocalAgentError({ message: 'x', cause: 10n }), {
      debug: true,
      env: {},
    });
    expect(unserialisable).toContain('Caused by: 10');
  });
});
