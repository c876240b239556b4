import { ConfigurationError } from '@localagent/errors';
import { MAX_UNLOCK_TTL_MS, parseTtl } from './ttl';

describe('parseTtl', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['8h', 28_800_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    [' 8H ', 28_800_000],
    ['1s', 1000],
    ['7d', MAX_UNLOCK_TTL_MS],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseTtl(text)).toBe(ms);
  });

  it.each(['', '8', 'h', '8 h', '8x', '-1h', '1.5h', '1h30', 'forever', '99999999h'])(
    'refuses %j with a ConfigurationError that shows the form',
    (text) => {
      let error: unknown;
      try {
        parseTtl(text);
      } catch (caught) {
        error = caught;
      }
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as ConfigurationError).suggestion).toContain('8h');
    },
  );

  it.each(['0s', '500ms', '8d', '169h'])('refuses %j: out of 1s..7d', (text) => {
    expect(() => parseTtl(text)).toThrow(/TTL|Invalid/);
  });
});
