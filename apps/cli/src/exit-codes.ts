import { LocalAgentError } from '@localagent/errors';

/** The process exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  user: 3,
  notFound: 4,
  transient: 5,
  integrity: 6,
  /** The user cancelled (Ctrl-C at a prompt): 128 + SIGINT, as shells report it. */
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BY_CODE: Readonly<Record<string, ExitCode>> = {
  LA_CLI_USAGE: ExitCode.usage,
  LA_KEY_IN_ARGV: ExitCode.usage,
  LA_KEY_NOT_FOUND: ExitCode.notFound,
  LA_ERROR_CODE_UNKNOWN: ExitCode.notFound,
  LA_AUDIT_TAMPERED: ExitCode.integrity,
  LA_ABORTED: ExitCode.cancelled,
};

/**
 * One place decides the exit code: a few codes have their own (usage, not found, integrity),
 * everything else follows the error's category. Anything that is not ours is an internal error.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (!LocalAgentError.isInstance(error)) return ExitCode.internal;
  return exitCodeForCode(error.code, error.category);
}

/** The exit code an error with this code and category produces (also shown by `errors explain`). */
export function exitCodeForCode(code: string, category: string): ExitCode {
  const byCode = BY_CODE[code];
  if (byCode !== undefined) return byCode;
  switch (category) {
    case 'transient':
      return ExitCode.transient;
    case 'user':
      return ExitCode.user;
    default:
      return ExitCode.internal;
  }
}
