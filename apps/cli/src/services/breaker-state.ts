import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Breaker state is small JSON; written via a temp file + rename so a crash never leaves half a file. */
export function saveBreakerState(path: string, registry: { toJSON(): unknown }): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(registry.toJSON()), { mode: 0o600 });
  renameSync(tmp, path);
}

/** The saved breaker state, or undefined when there is none or it is unreadable (it is only a cache). */
export function readBreakerState(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
