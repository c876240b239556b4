import type { CliContext } from '../../context.js';
import type { ValidationMode } from '../../global-options.js';
import { readKey } from '../../secret-input.js';
import { removedNote } from './describe.js';
import { storedKeyInfo } from './key-info.js';

export interface RotateKeyArgs {
  provider: string;
  stdin: boolean;
  validate: ValidationMode;
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
  const before = await storedKeyInfo(manager, args.provider).catch(() => undefined);
  if (args.validate === 'live')
    ctx.output.notice(`Checking the new key with ${args.provider} before replacing the old one…`);
  const written = await manager.rotateKey(args.provider, key, { validate: args.validate });
  ctx.output.result(
    `Rotated the ${args.provider} key: ${before?.fingerprint ?? 'old key'} → ${written.fingerprint}, in ${written.location}${removedNote(written.removedFrom)}.`,
    {
      provider: args.provider,
      rotated: true,
      source: written.store,
      location: written.location,
      removedFrom: written.removedFrom,
      previousFingerprint: before?.fingerprint ?? null,
      fingerprint: written.fingerprint,
    },
  );
}
