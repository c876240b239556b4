import { existsSync } from 'node:fs';
import { UsageError } from '../../cli-errors.js';
import type { CliContext } from '../../context.js';
import { askNewMasterPassword, readStdin } from '../../secret-input.js';

export interface ChangePasswordArgs {
  /** Read the new password from one line of standard input (scripts), not from the terminal. */
  newPasswordStdin: boolean;
}

/**
 * `localagent config change-password`: the current password (LOCALAGENT_MASTER_PASSWORD or the
 * terminal) opens the key file, then the new one, typed twice, re-encrypts it. Keyring keys have no
 * master password and are not touched.
 */
export async function changePassword(ctx: CliContext, args: ChangePasswordArgs): Promise<void> {
  const keyFile = ctx.paths.keyFile;
  const newFromStdin = args.newPasswordStdin ? await readNewPasswordLine(ctx) : undefined;
  if (!existsSync(keyFile)) return reportNoKeyFile(ctx, keyFile);

  const manager = await ctx.keyManager({ storage: 'file' });
  // reading the file asks for the current password first: a wrong one fails before the new one is typed
  await manager.listKeys();
  const newPassword = newFromStdin ?? (await askNewMasterPassword(ctx.io));
  if (newPassword === undefined) {
    throw new UsageError({
      message: 'No terminal to ask for the new master password.',
      suggestion:
        'Run the command in a terminal, or pipe the new password as one line: `localagent config change-password --new-password-stdin < file`.',
    });
  }
  if (!(await manager.changeMasterPassword(newPassword))) return reportNoKeyFile(ctx, keyFile);
  ctx.output.result(
    `Changed the master password of ${keyFile}. Keys in the OS keyring have no master password and were not touched.`,
    { changed: true, keyFile },
  );
}

/**
 * No key file: nothing is encrypted with the old password, which is what the user wanted, so this
 * is a success (exit 0) that says so; the next key stored in a file asks for a new password.
 */
function reportNoKeyFile(ctx: CliContext, keyFile: string): void {
  ctx.output.result(
    `There is no encrypted key file (${keyFile}): no master password to change. The next key stored in a file will ask for one.`,
    { changed: false, keyFile, reason: 'no_key_file' },
  );
}

/** One line: a second line would be silently dropped or become part of the password. */
async function readNewPasswordLine(ctx: CliContext): Promise<string> {
  if (ctx.io.stdin.isTTY === true) {
    throw new UsageError({
      message:
        '--new-password-stdin reads a pipe or a file, and standard input is a terminal: what you type would be echoed.',
      suggestion: 'Leave out --new-password-stdin to be asked with a masked prompt.',
    });
  }
  const line = await readStdin(ctx.io.stdin);
  if (/[\r\n]/.test(line)) {
    throw new UsageError({
      message: '--new-password-stdin reads one line, and standard input has several.',
      suggestion: 'Pipe only the new password, followed by at most one newline.',
    });
  }
  return line;
}
