import { LocalAgentError, type LocalAgentErrorOptions } from '@localagent/errors';

type Options = Omit<LocalAgentErrorOptions, 'category'>;

/** The command line itself is wrong: unknown command or option, missing argument (exit 2). */
export class UsageError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.cli.UsageError');
  constructor(options: Options) {
    super({
      ...options,
      code: options.code ?? 'LA_CLI_USAGE',
      category: 'user',
      suggestion:
        options.suggestion ??
        'Run `localagent --help` (or `localagent <command> --help`) for the syntax.',
    });
  }
}

/** A key was passed as a command-line argument, where shell history and `ps` would keep it (exit 2). */
export class KeyInArgvError extends UsageError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.cli.KeyInArgvError');
  constructor(provider: string) {
    super({
      code: 'LA_KEY_IN_ARGV',
      message:
        'Refusing a key passed as a command-line argument: it would stay in your shell history and be visible to other users in `ps`. Nothing was stored.',
      suggestion: `Run \`localagent config set-key ${provider}\` and paste the key at the masked prompt, or pipe it: \`localagent config set-key ${provider} --stdin < keyfile\`.`,
    });
  }
}

/** `errors explain` was given a code that is not in the catalog (exit 4). */
export class UnknownErrorCodeError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for(
    'localagent.error.cli.UnknownErrorCodeError',
  );
  constructor(code: string) {
    // echo the argument only when it has the shape of a code: a mis-pasted key must not be printed
    const isCodeShaped = /^LA_[A-Z0-9_]{1,60}$/i.test(code);
    super({
      code: 'LA_ERROR_CODE_UNKNOWN',
      category: 'user',
      message: isCodeShaped ? `Unknown error code: ${code}.` : 'That is not an error code.',
      suggestion:
        'Error codes look like LA_KEY_NOT_FOUND; see packages/errors/ERRORS.md for the full catalog.',
      details: isCodeShaped ? { requestedCode: code } : {},
    });
  }
}

/** `audit verify` found an edited, removed or reordered line (exit 6). */
export class AuditTamperedError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for(
    'localagent.error.cli.AuditTamperedError',
  );
  constructor(options: { path: string; firstBadLine: number | undefined; entries: number }) {
    const where = options.firstBadLine === undefined ? '' : ` at line ${options.firstBadLine}`;
    super({
      code: 'LA_AUDIT_TAMPERED',
      category: 'system',
      message: `The audit log's hash chain is broken${where}: a line was edited, removed or reordered.`,
      suggestion:
        'Keep the file as evidence, check who had access to the config directory, and rotate the keys it covers (`localagent config rotate-key <provider>`).',
      details: { path: options.path, firstBadLine: options.firstBadLine, entries: options.entries },
    });
  }
}
