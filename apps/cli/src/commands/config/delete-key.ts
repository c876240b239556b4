import { KeyNotFoundError } from '@localagent/errors';
import { UsageError } from '../../cli-errors.js';
import type { CliContext } from '../../context.js';
import { confirm } from '../../secret-input.js';

export interface DeleteKeyArgs {
  provider: string;
  yes: boolean;
}

/** `localagent config delete-key <provider>`: removes it from every backend; asks first unless --yes. */
export async function deleteKey(ctx: CliContext, args: DeleteKeyArgs): Promise<void> {
  if (!args.yes) {
    if (ctx.io.stdin.isTTY !== true) {
      throw new UsageError({
        message: 'Deleting a key needs confirmation, and there is no terminal to ask.',
        suggestion: `Pass --yes: \`localagent config delete-key ${args.provider} --yes\`.`,
      });
    }
    if (!(await confirm(ctx.io, `Delete the stored ${args.provider} key from every backend?`))) {
      ctx.output.result('Nothing deleted.', { provider: args.provider, deleted: false });
      return;
    }
  }
  const manager = await ctx.keyManager();
  const deleted = await manager.deleteKey(args.provider);
  if (!deleted)
    throw new KeyNotFoundError({
      message: `No key stored for ${args.provider}; nothing to delete.`,
      provider: args.provider,
    });
  ctx.output.result(`Deleted the ${args.provider} key.`, {
    provider: args.provider,
    deleted: true,
  });
}
