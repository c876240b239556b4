import { KeyNotFoundError } from '@localagent/errors';
import type { CliContext } from '../../context.js';
import { describeSource } from './describe.js';

export interface GetKeyArgs {
  provider: string;
  reveal: boolean;
}

/** `localagent config get-key <provider>`: the fingerprint, or the key itself with --reveal. */
export async function getKey(ctx: CliContext, args: GetKeyArgs): Promise<void> {
  const manager = await ctx.keyManager();
  // only the store that holds the key is opened: a keyring key needs no master password
  const info = await manager.describeKey(args.provider);
  if (info === undefined)
    throw new KeyNotFoundError({
      message: `No key stored for ${args.provider}.`,
      provider: args.provider,
    });
  const { source, fingerprint } = info;
  if (!args.reveal) {
    ctx.output.result(`${args.provider}: ${fingerprint} (${describeSource(source)})`, {
      provider: args.provider,
      source,
      fingerprint,
    });
    return;
  }
  if (ctx.io.stdout.isTTY === true) {
    ctx.output.warn(
      'The key is printed on your terminal: it may stay in the scrollback. Clear the screen when done.',
    );
  }
  const key = await manager.retrieveKey(args.provider);
  if (key === undefined)
    throw new KeyNotFoundError({
      message: `No key stored for ${args.provider}.`,
      provider: args.provider,
    });
  ctx.output.result(key, { provider: args.provider, source, fingerprint, key });
}
