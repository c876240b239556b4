import { parseTtl } from '@localagent/security';
import type { CliContext } from '../../context.js';

export interface UnlockArgs {
  /** The --ttl text, e.g. '8h'. */
  ttl: string;
}

/** `2026-05-04 17:30` in the local time zone: when the agent forgets the key. */
export function localTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/**
 * `localagent unlock [--ttl 8h]`: asks the master password once (or reads
 * LOCALAGENT_MASTER_PASSWORD), then a per-user agent holds the derived file key in memory until
 * the TTL ends; commands and getApiKey() of this user read keys without the password until then.
 */
export async function unlock(ctx: CliContext, args: UnlockArgs): Promise<void> {
  const ttlMs = parseTtl(args.ttl);
  const manager = await ctx.keyManager();
  const { expiresAt, socketPath } = await manager.unlock({ ttlMs });
  ctx.output.result(
    [
      `Unlocked until ${localTime(expiresAt)} (${args.ttl.trim()} from now).`,
      'Until then this user reads keys without the master password; `localagent lock` forgets it sooner.',
    ],
    { unlocked: true, expiresAt: expiresAt.toISOString(), ttlMs, socketPath },
  );
}
