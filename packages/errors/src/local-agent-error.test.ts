import { LocalAgentError } from './local-agent-error';
import {
  RateLimitError,
  TimeoutError,
  NetworkError,
  ProviderError,
  CircuitOpenError,
} from './provider-errors';
import { KeyNotFoundError, ConfigurationError } from './local-errors';

describe('LocalAgentError', () => {
  it('defaults retryable from the category', () => {
    const transient = new LocalAgentError({ message: 'x', category: 'transient' });
    const user = new LocalAgentError({ message: 'x', category: 'user' });
    expect(transient.retryable).toBe(true);
    expect(user.retryable).toBe(false);
    expect(
      new LocalAgentError({ message: 'x', category: 'transient', retryable: false }).retryable,
    ).toBe(false);
  });

  it('isInstance follows the class chain without instanceof', () => {
    const err = new TimeoutError({ message: 'slow', provider: 'openai' });
    expect(LocalAgentError.isInstance(err)).toBe(true);
    expect(NetworkError.isInstance(err)).toBe(true);
    expect(TimeoutError.isInstance(err)).toBe(true);
    expect(ProviderError.isInstance(err)).toBe(false);
    expect(RateLimitError.isInstance(new Error('x'))).toBe(false);
    expect(LocalAgentError.isInstance(null)).toBe(false);
    expect(err.name).toBe('TimeoutError');
    expect(err.code).toBe('LA_TIMEOUT');
  });

  it('toJSON omits the stack unless asked and keeps the cause chain', () => {
    const cause = new Error('socket hang up');
    const err = new ConfigurationError({ message: 'bad', cause, details: { field: 'level' } });
    const json = err.toJSON();
    expect(json.stack).toBeUndefined();
    expect(json).toMatchObject({
      name: 'ConfigurationError',
      code: 'LA_CONFIG_INVALID',
      category: 'user',
      retryable: false,
    });
    expect(json.cause).toEqual({ name: 'Error', message: 'socket hang up' });
    expect(err.toJSON({ stack: true }).stack).toContain('ConfigurationError');
    expect(new KeyNotFoundError({ message: 'no key', provider: 'openai' }).suggestion).toBe(
      'Run `localagent config set-key openai` to store a key.',
    );
  });

  it('masks a key in the message and details', () => {
    const key = ['sk', 'proj', 'A1b2C3d4E5f6G7h8I9j0K1l2'].join('-');
    const err = new RateLimitError({
      message: `Incorrect API key provided: ${key}`,
      provider: 'openai',
      details: { apiKey: 'x', note: key },
    });
    expect(JSON.stringify(err.toJSON({ stack: true }))).not.toContain(key);
    expect(err.message).toContain('[REDACTED]');
    expect(err.details['apiKey']).toBe('[REDACTED]');
  });

  it('circuit open carries provider and wait', () => {
    const err = new CircuitOpenError({ provider: 'anthropic', retryAfterMs: 1500 });
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('anthropic');
    expect(err.details).toMatchObject({ provider: 'anthropic', retryAfterMs: 1500 });
  });
});

describe('isInstance across two copies of the package', () => {
  it('recognises errors of a second, separately loaded copy (where instanceof fails)', () => {
    let copy: typeof import('./index') | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<typeof import('./index')>('./index');
    });
    const other = copy!;
    expect(other.LocalAgentError).not.toBe(LocalAgentError);
    const foreign = new other.TimeoutError({ message: 'slow', provider: 'openai' });
    expect(foreign instanceof TimeoutError).toBe(false);
    expect(TimeoutError.isInstance(foreign)).toBe(true);
    expect(NetworkError.isInstance(foreign)).toBe(true);
    expect(LocalAgentError.isInstance(foreign)).toBe(true);
    expect(RateLimitError.isInstance(foreign)).toBe(false);
    const local = new RateLimitError({ message: 'x', provider: 'openai', retryAfterMs: 5 });
    expect(other.RateLimitError.isInstance(local)).toBe(true);
    expect(other.ProviderError.isInstance(local)).toBe(true);
    expect(other.CircuitOpenError.isInstance(local)).toBe(false);
    // a foreign error passes through classifyError unchanged
    expect(other.classifyError(local)).toBe(local);
  });
});
