import type { CliContext } from '../../context.js';
import type { StorageMode, ValidationMode } from '../../global-options.js';
import { readKey } from '../../secret-input.js';
import { describeSource } from './describe.js';
import { storedKeyInfo } from './key-info.js';

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
  await manager.storeKey(args.provider, key, { validate: args.validate });
  const info = await storedKeyInfo(manager, args.provider);
  ctx.output.result(
    `Stored the ${args.provider} key (${info.fingerprint}) in the ${describeSource(info.source)}.`,
    {
      provider: args.provider,
      stored: true,
      source: info.source,
      fingerprint: info.fingerprint,
      validate: args.validate,
    },
  );
}
