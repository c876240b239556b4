import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
import { checkTrustedDir, checkTrustedFile, type TrustedPathOptions } from '@localagent/config';
import { StorageError } from '@localagent/errors';

/** The state file as it is (lstat: a symlink is never followed); undefined when there is none. */
function existing(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Breaker state is small JSON in the cache dir. The dir and its parents must be trusted (no other
 * user can swap them: @localagent/config's checkTrustedDir), a breakers.json that is a symlink or
 * not a regular file is refused, never written through, and the state goes to a fresh temp file
 * (O_EXCL: a planted name fails) renamed over it, so a crash never leaves half a file.
 */
export function saveBreakerState(
  path: string,
  registry: { toJSON(): unknown },
  trust: TrustedPathOptions = {},
): void {
  const dir = dirname(path);
  checkTrustedDir(dir, trust); // before mkdir: never create anything under a dir others control
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkTrustedDir(dir, trust);
  const info = existing(path);
  if (info !== undefined && !info.isFile()) {
    throw new StorageError({
      code: 'LA_FILE_PERMISSIONS',
      category: 'user',
      message: `${path} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; refusing to write the circuit-breaker state through it.`,
      suggestion: `Remove it (rm "${path}"): it is only a cache, and LocalAgent writes a new one.`,
      details: { path, reason: 'wrong_type' },
    });
  }
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(registry.toJSON()), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}

/**
 * The saved breaker state, or undefined when there is none, it is unreadable (it is only a cache), or
 * it is not to be trusted: a cache dir another user could change, a breakers.json that is a symlink
 * or another user's. Saving then fails with the reason (LA_FILE_PERMISSIONS), which the CLI reports
 * as a warning.
 */
export function readBreakerState(path: string, trust: TrustedPathOptions = {}): unknown {
  try {
    checkTrustedFile(path, trust);
    if (existing(path)?.isFile() !== true) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
