import { explain } from '@localagent/errors';
import { UnknownErrorCodeError } from '../../cli-errors.js';
import type { CliContext } from '../../context.js';
import { exitCodeForCode } from '../../exit-codes.js';

/** `localagent errors explain <CODE>`: the catalog entry, plus the exit code the CLI uses for it. */
export async function explainCode(ctx: CliContext, args: { code: string }): Promise<void> {
  const entry = explain(args.code.trim().toUpperCase());
  if (entry === undefined) throw new UnknownErrorCodeError(args.code);
  const exitCode = exitCodeForCode(entry.code, entry.category);
  ctx.output.result(
    [
      `${entry.code}  (${entry.className}, ${entry.category}; localagent exits with ${exitCode})`,
      `  What happened: ${entry.meaning}`,
      `  What to do:    ${entry.suggestion}`,
    ],
    { ...entry, exitCode },
  );
}
