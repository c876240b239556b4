import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { StorageError } from '@localagent/errors';
import type { SecurityLogger } from './logger.js';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates a directory of ours (and its missing parents), mode 0700; `StorageError` when it cannot. */
export async function createPrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (cause) {
    throw new StorageError({
      message: `Cannot create the config directory ${dir}.`,
      cause,
      details: { path: dir },
    });
  }
}

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

const refuse = (
  path: string,
  message: string,
  suggestion: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): StorageError =>
  new StorageError({
    code: 'LA_FILE_PERMISSIONS',
    category: 'user',
    message,
    suggestion,
    details: { path, ...extra },
    cause,
  });

export interface SecurePathOptions {
  /** The home directory, which is never chmod-ed (default: os.homedir()). */
  home?: string | undefined;
}

/**
 * Checks a file or directory the way ssh checks ~/.ssh: it must belong to us and be private.
 * Decision: looser modes are repaired (chmod) with one warning, because the content is encrypted
 * anyway and refusing would lock users out over a `cp` that dropped the mode. Refused
 * (`LA_FILE_PERMISSIONS`), never chmod-ed: a path owned by another user; a shared directory
 * (world-writable or sticky, like /tmp) or the home directory, where a chmod would hurt others or
 * surprise the user; a key file that is a symlink (a write would replace its target); a path we
 * cannot chmod. Windows has no POSIX modes: the checks are skipped there (the profile ACL applies).
 */
export async function securePath(
  path: string,
  expected: number,
  logger: SecurityLogger,
  options: SecurePathOptions = {},
): Promise<void> {
  if (!isPosix) return;
  let info;
  try {
    info = await lstat(path);
    if (info.isSymbolicLink() && expected === FILE_MODE) {
      throw refuse(
        path,
        `${path} is a symbolic link; refusing to write keys through it.`,
        `Move the real file to ${path}, or use another config directory.`,
      );
    }
    // a symlinked config directory (dotfiles) is fine: check what it points to
    if (info.isSymbolicLink()) info = await stat(path);
  } catch (error) {
    if (StorageError.isInstance(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StorageError({ message: `Cannot inspect ${path}.`, cause: error });
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw refuse(
      path,
      `${path} belongs to another user (uid ${info.uid}); refusing to use it for keys.`,
      `Use a config directory you own (LOCALAGENT_CONFIG_DIR), or fix the owner: chown "$(id -u)" "${path}".`,
    );
  }
  if ((info.mode & 0o077) === 0) return;
  const mode = formatMode(info.mode);
  if (
    info.isDirectory() &&
    ((info.mode & 0o1002) !== 0 || resolve(path) === resolve(options.home ?? homedir()))
  ) {
    throw refuse(
      path,
      `${path} is a shared or home directory (mode ${mode}); refusing to keep keys there or to change its mode.`,
      'Use a dedicated config directory, e.g. the default ~/.config/localagent, or set LOCALAGENT_CONFIG_DIR to one.',
      { mode },
    );
  }
  try {
    await chmod(path, expected);
  } catch (error) {
    throw refuse(
      path,
      `${path} is accessible to other users (mode ${mode}) and could not be repaired.`,
      `Run: chmod ${formatMode(expected)} "${path}"`,
      { mode },
      error,
    );
  }
  logger.warning(
    `${path} was accessible to other users (mode ${mode}); its mode was reset to ${formatMode(expected)}.`,
    { path, previousMode: mode },
  );
}

export async function describePath(path: string, expected: number): Promise<PermissionReport> {
  try {
    const info = await stat(path);
    if (!isPosix) return { path, exists: true, ok: true };
    return {
      path,
      exists: true,
      mode: formatMode(info.mode),
      ok: (info.mode & 0o777) === expected,
    };
  } catch {
    return { path, exists: false, ok: true };
  }
}
