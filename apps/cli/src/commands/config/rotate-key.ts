import type { CliContext } from '../../context.js';
import type { StorageMode, ValidationMode } from '../../global-options.js';
import { readKey } from '../../secret-input.js';
import { removedNote } from './describe.js';

export interface RotateKeyArgs {
  provider: string;
  stdin: boolean;
  validate: ValidationMode;
  /** Move the key to this store (`keyring`/`file`); `auto` or none keeps it where it is. */
  storage?: StorageMode | undefined;
}

/** `localagent config rotate-key <provider>`: the new key is validated first, then replaces the old one everywhere. */
export async function rotateKey(ctx: CliContext, args: RotateKeyArgs): Promise<void> {
  const key = await readKey(ctx.io, {
    stdin: args.stdin,
    provider: args.provider,
    command: 'rotate-key',
  });
  const manager = await ctx.keyManager({
    liveCheckProvider: args.validate === 'live' ? args.provider : undefined,
  });
  if (args.validate === 'live')
    ctx.output.notice(`Checking the new key with ${args.provider} before replacing the old one…`);
  const written = await manager.rotateKey(args.provider, key, {
    validate: args.validate,
    ...(args.storage === undefined || args.storage === 'auto' ? {} : { store: args.storage }),
  });
  ctx.output.result(
    `Rotated the ${args.provider} key: ${written.previousFingerprint ?? 'old key'} → ${written.fingerprint}, in ${written.location}${removedNote(written.removedFrom)}.`,
    {
      provider: args.provider,
      rotated: true,
      source: written.store,
      location: written.location,
      removedFrom: written.removedFrom,
      previousFingerprint: written.previousFingerprint ?? null,
      fingerprint: written.fingerprint,
    },
  );
}
