import type { CliContext } from '../../context.js';
import type { ValidationMode } from '../../global-options.js';
import { readKey } from '../../secret-input.js';
import { describeSource } from './describe.js';
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
  await manager.rotateKey(args.provider, key, { validate: args.validate });
  const info = await storedKeyInfo(manager, args.provider);
  ctx.output.result(
    `Rotated the ${args.provider} key: ${before?.fingerprint ?? 'old key'} → ${info.fingerprint} (${describeSource(info.source)}).`,
    {
      provider: args.provider,
      rotated: true,
      source: info.source,
      previousFingerprint: before?.fingerprint ?? null,
      fingerprint: info.fingerprint,
    },
  );
}
