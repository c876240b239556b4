import { chmod, stat } from 'node:fs/promises';
import { StorageError } from '@localagent/errors';
import type { SecurityLogger } from './logger.js';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface PermissionReport {
  path: string;
  exists: boolean;
  /** e.g. `0600`; undefined when the file does not exist or on Windows. */
  mode?: string;
  ok: boolean;
}

const isPosix = process.platform !== 'win32';

export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/**
 * Checks a file or directory the way ssh checks ~/.ssh: it must belong to us and be private.
 * Decision: looser modes are repaired (chmod) with one warning, because the content is encrypted
 * anyway and refusing would lock users out over a `cp` that dropped the mode; a path owned by
 * another user, or one we cannot chmod, is refused (`LA_FILE_PERMISSIONS`). Windows has no POSIX
 * modes: the checks are skipped there (the profile directory's ACL protects the file).
 */
export async function securePath(path: string, expected: number, logger: SecurityLogger): Promise<void> {
  if (!isPosix) return;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StorageError({ message: `Cannot inspect ${path}.`, cause: error });
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new StorageError({
      code: 'LA_FILE_PERMISSIONS',
      category: 'user',
      message: `${path} belongs to another user (uid ${info.uid}); refusing to use it for keys.`,
      suggestion: `Use a config directory you own (LOCALAGENT_CONFIG_DIR), or fix the owner: chown "$(id -u)" "${path}".`,
      details: { path },
    });
  }
  if ((info.mode & 0o077) === 0) return;
  try {
    await chmod(path, expected);
  } catch (error) {
    throw new StorageError({
      code: 'LA_FILE_PERMISSIONS',
      category: 'user',
      message: `${path} is accessible to other users (mode ${formatMode(info.mode)}) and could not be repaired.`,
      suggestion: `Run: chmod ${formatMode(expected)} "${path}"`,
      details: { path, mode: formatMode(info.mode) },
      cause: error,
    });
  }
  logger.warning(`${path} was accessible to other users (mode ${formatMode(info.mode)}); its mode was reset to ${formatMode(expected)}.`, {
    path,
    previousMode: formatMode(info.mode),
  });
}

export async function describePath(path: string, expected: number): Promise<PermissionReport> {
  try {
    const info = await stat(path);
    if (!isPosix) return { path, exists: true, ok: true };
    return { path, exists: true, mode: formatMode(info.mode), ok: (info.mode & 0o777) === expected };
  } catch {
    return { path, exists: false, ok: true };
  }
}
