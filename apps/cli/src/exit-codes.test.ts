import {
  AbortedError,
  AuthenticationError,
  CircuitOpenError,
  ConfigurationError,
  DecryptionError,
  InvalidKeyError,
  InvalidRequestError,
  KeyNotFoundError,
  LocalAgentError,
  NetworkError,
  RateLimitError,
  StorageError,
} from '@localagent/errors';
import {
  AuditTamperedError,
  KeyInArgvError,
  UnknownErrorCodeError,
  UsageError,
} from './cli-errors';
import { ExitCode, exitCodeFor, exitCodeForCode } from './exit-codes';

describe('exitCodeFor', () => {
  it.each([
    ['a usage error', new UsageError({ message: 'x' }), ExitCode.usage],
    ['a key in argv', new KeyInArgvError('openai'), ExitCode.usage],
    ['an invalid key', new InvalidKeyError({ message: 'x' }), ExitCode.user],
    ['a wrong master password', new DecryptionError({ message: 'x' }), ExitCode.user],
    [
      'an authentication failure',
      new AuthenticationError({ message: 'x', provider: 'openai' }),
      ExitCode.user,
    ],
    ['bad configuration', new ConfigurationError({ message: 'x' }), ExitCode.user],
    [
      'a missing key',
      new KeyNotFoundError({ message: 'x', provider: 'openai' }),
      ExitCode.notFound,
    ],
    ['an unknown error code', new UnknownErrorCodeError('LA_X'), ExitCode.notFound],
    ['a network failure', new NetworkError({ message: 'x' }), ExitCode.transient],
    ['a rate limit', new RateLimitError({ message: 'x', provider: 'openai' }), ExitCode.transient],
    [
      'an open circuit',
      new CircuitOpenError({ message: 'x', provider: 'openai', retryAfterMs: 10 }),
      ExitCode.transient,
    ],
    ['a cancelled prompt', new AbortedError({ message: 'x' }), ExitCode.cancelled],
    [
      'a broken audit chain',
      new AuditTamperedError({ path: '/a', firstBadLine: 2, entries: 3 }),
      ExitCode.integrity,
    ],
    ['a storage failure', new StorageError({ message: 'x' }), ExitCode.internal],
    [
      'a permanent provider error',
      new InvalidRequestError({ message: 'x', provider: 'openai' }),
      ExitCode.internal,
    ],
    ['a plain Error', new Error('x'), ExitCode.internal],
    ['a thrown string', 'x', ExitCode.internal],
  ])('maps %s', (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('follows the category for codes without their own exit code', () => {
    expect(exitCodeForCode('LA_ANYTHING', 'user')).toBe(ExitCode.user);
    expect(exitCodeForCode('LA_ANYTHING', 'system')).toBe(ExitCode.internal);
    expect(
      exitCodeFor(
        new LocalAgentError({ message: 'x', code: 'LA_KEY_NOT_FOUND', category: 'system' }),
      ),
    ).toBe(ExitCode.notFound);
  });
});

describe('CLI errors', () => {
  it('carry catalog codes, and never the refused key', () => {
    const error = new KeyInArgvError('openai');
    expect(error.code).toBe('LA_KEY_IN_ARGV');
    expect(KeyInArgvError.isInstance(error)).toBe(true);
    expect(UsageError.isInstance(error)).toBe(true);
    expect(error.suggestion).toContain('--stdin');
    expect(
      new AuditTamperedError({ path: '/a', firstBadLine: undefined, entries: 0 }).message,
    ).not.toContain('at line');
    expect(new UsageError({ message: 'm', code: 'LA_CLI_USAGE', suggestion: 's' }).suggestion).toBe(
      's',
    );
  });
});
