import { ConfigurationError } from '@localagent/errors';

/**
 * The shortest new master password, in Unicode code points after NFC normalisation. We check
 * length rather than a `@zxcvbn-ts/core` score: no ~800 kB dictionary as a runtime dependency of
 * every agent, NIST SP 800-63B's guidance (length, not composition rules or strength meters), and
 * a rule a script can know in advance. Existing files keep opening with shorter passwords.
 */
export const MIN_MASTER_PASSWORD_LENGTH = 12;

/** Whether a new master password meets the policy (what a prompt checks before asking the repeat). */
export function isAcceptableNewMasterPassword(password: string | Buffer): boolean {
  // a Buffer is UTF-8; an invalid sequence in one counts as one character
  const text = typeof password === 'string' ? password : password.toString('utf8');
  return Array.from(text.normalize('NFC')).length >= MIN_MASTER_PASSWORD_LENGTH;
}

/** Throws `ConfigurationError` (`LA_MASTER_PASSWORD_WEAK`) for a new master password that is too short; never echoes it. */
export function assertNewMasterPassword(password: string | Buffer): void {
  if (isAcceptableNewMasterPassword(password)) return;
  throw new ConfigurationError({
    code: 'LA_MASTER_PASSWORD_WEAK',
    message: `The new master password is too short: it needs at least ${MIN_MASTER_PASSWORD_LENGTH} characters.`,
    details: { minLength: MIN_MASTER_PASSWORD_LENGTH },
    suggestion: `Choose a passphrase of at least ${MIN_MASTER_PASSWORD_LENGTH} characters, e.g. four random words.`,
  });
}
