import type { CliContext } from '../../context.js';
import { describeSource } from './describe.js';

/** `localagent config list-keys`: one line per key, fingerprints only. */
export async function listKeys(ctx: CliContext): Promise<void> {
  const manager = await ctx.keyManager();
  const { keys, unavailable } = await manager.keyInventory();
  if (unavailable.length > 0)
    ctx.output.warn(
      `Some keys could not be listed: ${unavailable
        .map(
          (u) =>
            `the ${describeSource(u.store)} (${u.reason}${u.providers === undefined ? '' : `; it holds: ${u.providers.join(', ')}`})`,
        )
        .join('; ')}.`,
    );
  const rows = keys.map((k) => [
    k.provider,
    describeSource(k.source),
    k.fingerprint,
    k.active ? 'yes' : 'no (shadowed)',
    k.updatedAt ?? '',
  ]);
  const human =
    rows.length === 0
      ? 'No keys stored. Add one with `localagent config set-key <provider>`.'
      : table(['PROVIDER', 'SOURCE', 'FINGERPRINT', 'ACTIVE', 'UPDATED'], rows);
  ctx.output.result(human, {
    keys: keys.map((k) => ({
      provider: k.provider,
      source: k.source,
      fingerprint: k.fingerprint,
      active: k.active,
      updatedAt: k.updatedAt ?? null,
    })),
    unavailable: unavailable.map((u) => ({
      store: u.store,
      reason: u.reason,
      ...(u.providers === undefined ? {} : { providers: u.providers }),
    })),
  });
}

/** Left-aligned columns separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  return all.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
