import { existsSync } from 'node:fs';
import { verifyAuditLog } from '@localagent/security';
import { AuditTamperedError } from '../../cli-errors.js';
import type { CliContext } from '../../context.js';

/** `localagent audit verify`: exit 0 when the hash chain holds, 6 when a line was edited, removed or reordered. */
export async function verifyAudit(ctx: CliContext): Promise<void> {
  const path = ctx.paths.auditLog;
  if (!existsSync(path)) {
    ctx.output.result(`No audit log yet at ${path} (it is written on the first key operation).`, {
      path,
      ok: true,
      entries: 0,
    });
    return;
  }
  const result = await verifyAuditLog(path);
  if (!result.ok)
    throw new AuditTamperedError({
      path,
      firstBadLine: result.firstBadLine,
      entries: result.entries,
    });
  ctx.output.result(`Audit log intact: ${result.entries} entries, hash chain verified (${path}).`, {
    path,
    ok: true,
    entries: result.entries,
  });
}
