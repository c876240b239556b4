import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../../cli-errors.js';
import type { CliContext } from '../../context.js';
import { table } from '../config/list-keys.js';

export interface ShowAuditArgs {
  tail: string | undefined;
}

/** `--tail N`: a positive whole number. */
export function parseTail(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) === 0) {
    throw new UsageError({
      message: `Invalid value for --tail: "${value}". Expected a positive whole number.`,
    });
  }
  return Number(value);
}

type Entry = Record<string, unknown>;

function parseLine(line: string): Entry {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as Entry) : { unparsed: line };
  } catch {
    return { unparsed: line };
  }
}

const text = (value: unknown): string =>
  value === undefined || value === null ? '' : String(value);

/** `localagent audit show [--tail N]`: the entries (which never contain key material). */
export async function showAudit(ctx: CliContext, args: ShowAuditArgs): Promise<void> {
  const tail = parseTail(args.tail);
  const path = ctx.paths.auditLog;
  const lines = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
    : [];
  const shown = (tail === undefined ? lines : lines.slice(-tail)).map(parseLine);
  const human =
    shown.length === 0
      ? `No audit entries at ${path}.`
      : table(
          ['TIME', 'ACTION', 'PROVIDER', 'SOURCE', 'OUTCOME', 'FINGERPRINT'],
          shown.map((e) =>
            e['unparsed'] !== undefined
              ? ['(unparsable line)', '', '', '', '', '']
              : [
                  text(e['ts'] ?? e['timestamp']),
                  text(e['action']),
                  text(e['provider']),
                  text(e['backend'] ?? e['source']),
                  text(e['outcome']) + (e['errorCode'] ? ` ${text(e['errorCode'])}` : ''),
                  text(e['fingerprint']),
                ],
          ),
        );
  ctx.output.result(human, { path, total: lines.length, entries: shown });
}
