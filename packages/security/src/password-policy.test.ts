import { ConfigurationError } from '@localagent/errors';
import { assertNewMasterPassword, MIN_MASTER_PASSWORD_LENGTH } from './password-policy';

describe('assertNewMasterPassword', () => {
  it('accepts 12 characters or more, as a string or a UTF-8 Buffer', () => {
    expect(MIN_MASTER_PASSWORD_LENGTH).toBe(12);
    for (const password of ['a'.repeat(12), 'four random words here', Buffer.from('twelve chars')])
      expect(() => assertNewMasterPassword(password)).not.toThrow();
  });

  it('counts Unicode code points after NFC: 12 emoji pass, 6 accented letters in NFD do not', () => {
    expect(() => assertNewMasterPassword('\u{1F511}'.repeat(12))).not.toThrow();
    expect(() => assertNewMasterPassword('\u{1F511}'.repeat(6))).toThrow(ConfigurationError); // 12 UTF-16 units
    expect(() => assertNewMasterPassword(Buffer.from('e\u0301'.repeat(6)))).toThrow(
      ConfigurationError,
    );
  });

  it('refuses a short one (finding 5: one character was accepted) with LA_MASTER_PASSWORD_WEAK, never echoing it', () => {
    for (const password of ['x', 'short-pw-11', '']) {
      let caught: unknown;
      try {
        assertNewMasterPassword(password);
      } catch (error) {
        caught = error;
      }
      expect(ConfigurationError.isInstance(caught)).toBe(true);
      const error = caught as ConfigurationError;
      expect(error.code).toBe('LA_MASTER_PASSWORD_WEAK');
      expect(error.suggestion).toMatch(/at least 12 characters/);
      if (password.length > 1)
        expect(JSON.stringify(error.toJSON({ stack: true }))).not.toContain(password);
    }
  });
});
