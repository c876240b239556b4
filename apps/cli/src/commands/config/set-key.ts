import type { CliContext } from '../../context.js';
import type { StorageMode, ValidationMode } from '../../global-options.js';
import { readKey } from '../../secret-input.js';
import { removedNote } from './describe.js';

export interface SetKeyArgs {
  provider: string;
  stdin: boolean;
  validate: ValidationMode;
  storage: StorageMode | undefined;
}

/** `localagent config set-key <provider>`: key from the prompt or stdin, validated, stored, audited. */
export async function setKey(ctx: CliContext, args: SetKeyArgs): Promise<void> {
  const key = await readKey(ctx.io, {
    stdin: args.stdin,
    provider: args.provider,
    command: 'set-key',
  });
  const manager = await ctx.keyManager({
    storage: args.storage,
    liveCheckProvider: args.validate === 'live' ? args.provider : undefined,
  });
  if (args.validate === 'live')
    ctx.output.notice(`Checking the key with ${args.provider} before storing it…`);
  const written = await manager.storeKey(args.provider, key, { validate: args.validate });
  ctx.output.result(
    `Stored the ${args.provider} key (${written.fingerprint}) in ${written.location}${removedNote(written.removedFrom)}.`,
    {
      provider: args.provider,
      stored: true,
      source: written.store,
      location: written.location,
      removedFrom: written.removedFrom,
      fingerprint: written.fingerprint,
      validate: args.validate,
    },
  );
}
