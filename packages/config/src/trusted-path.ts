import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { StorageError } from '@localagent/errors';

export interface TrustedPathOptions {
  /** The home directory: the walk up from a path inside it stops there (default: os.homedir()). */
  home?: string | undefined;
  /** The user who must own the path (root is always trusted; default: process.getuid()). */
  uid?: number | undefined;
  /** win32 skips the checks: there are no POSIX owners and modes (the profile ACL applies). */
  platform?: NodeJS.Platform | undefined;
}

/** Why a path is not trusted, in `details.reason` of the `LA_FILE_PERMISSIONS` error. */
export type UntrustedReason = 'other_owner' | 'writable_by_others' | 'wrong_type';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

const formatMode = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

function untrusted(
  path: string,
  subject: string,
  reason: UntrustedReason,
  info: Stats,
  home: string,
): StorageError {
  const mode = formatMode(info.mode);
  const isHome = resolve(path) === resolve(home);
  const what = isHome ? `your home directory ${path}` : path;
  const [message, suggestion] =
    reason === 'other_owner'
      ? [
          `${what} belongs to another user (uid ${info.uid}), who could change what LocalAgent reads from ${subject}; refusing to use it.`,
          `Use a directory you own (--config-dir or LOCALAGENT_CONFIG_DIR), or, if it is yours, fix its owner: chown "$(id -u)" "${path}".`,
        ]
      : reason === 'writable_by_others'
        ? [
            isHome
              ? `${what} is writable by its group or by others (mode ${mode}): they could replace ${subject}. Like OpenSSH with ~/.ssh, LocalAgent refuses to trust files under it.`
              : `${what} is writable by its group or by others (mode ${mode}): they could replace ${subject}; refusing to use it.`,
            `Remove the write permission of group and others: chmod go-w "${path}" (or use another directory).`,
          ]
        : [
            `${what} is not a directory; refusing to use it.`,
            `Move it aside, or use another directory (--config-dir or LOCALAGENT_CONFIG_DIR).`,
          ];
  return new StorageError({
    code: 'LA_FILE_PERMISSIONS',
    category: 'user',
    message,
    suggestion,
    details: { path, subject, reason, mode, owner: info.uid },
  });
}

interface Walk {
  uid: number;
  home: string;
  subject: string;
}

const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new StorageError({
      message: `Cannot inspect ${path}.`,
      cause: error,
      details: { path },
    });
  }
};

const isInside = (path: string, dir: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** `path` and its parents: up to and including the home directory when inside it, else up to `/`. */
function chain(path: string, home: string): string[] {
  const paths: string[] = [];
  const stopAtHome = isInside(path, home);
  for (let current = path; ; current = dirname(current)) {
    paths.push(current);
    if ((stopAtHome && current === home) || dirname(current) === current) return paths;
  }
}

/**
 * One component: ours or root's, and writable by no one else unless it is a sticky directory like
 * /tmp: there others can add entries but not rename or remove ours (its owner, us or root, could).
 */
function checkComponent(path: string, info: Stats, walk: Walk): void {
  if (info.uid !== walk.uid && info.uid !== 0)
    throw untrusted(path, walk.subject, 'other_owner', info, walk.home);
  if (info.isSymbolicLink()) return; // a symlink's own mode means nothing; its target is walked too
  if ((info.mode & GROUP_OR_OTHER_WRITE) === 0) return;
  const isStickyDir = info.isDirectory() && (info.mode & STICKY) !== 0;
  if (!isStickyDir) throw untrusted(path, walk.subject, 'writable_by_others', info, walk.home);
}

/** Checks the path as written (its symlinks included), then, when it differs, the real path. */
function checkChain(path: string, walk: Walk): void {
  const absolute = resolve(path);
  let deepestExisting: string | undefined;
  for (const component of chain(absolute, walk.home)) {
    const info = lstatOrUndefined(component);
    if (info === undefined) continue; // not created yet: nothing there to read
    deepestExisting ??= component;
    checkComponent(component, info, walk);
  }
  if (deepestExisting === undefined) return;
  let real: string;
  try {
    real = realpathSync(deepestExisting);
  } catch {
    return; // a dangling symlink (its owner was checked): nothing there to read
  }
  if (real === deepestExisting) return;
  const realHome = realOrSelf(walk.home);
  for (const component of chain(real, realHome)) {
    const info = lstatOrUndefined(component);
    if (info !== undefined) checkComponent(component, info, { ...walk, home: realHome });
  }
}

const realOrSelf = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

function resolveWalk(subject: string, options: TrustedPathOptions): Walk | undefined {
  if ((options.platform ?? process.platform) === 'win32') return undefined;
  const uid = options.uid ?? process.getuid?.();
  if (uid === undefined) return undefined;
  return { uid, home: resolve(options.home ?? homedir()), subject };
}

/**
 * Checks a directory LocalAgent reads from or writes to (the config dir, the cache dir) and its
 * parents, up to the home directory (or `/` outside it), as OpenSSH checks ~/.ssh: each must belong
 * to the user or root, and be writable by no one else, unless it is a sticky directory (/tmp). Symlinks in the path must be the user's or root's, and their targets are checked
 * too. Parts that do not exist yet are skipped. Throws `StorageError` `LA_FILE_PERMISSIONS`
 * (details: path, reason, mode, owner). Does nothing on Windows.
 */
export function checkTrustedDir(dir: string, options: TrustedPathOptions = {}): void {
  const walk = resolveWalk(dir, options);
  if (walk === undefined) return;
  checkChain(dir, walk);
  const info = lstatOrUndefined(realOrSelf(dir));
  if (info !== undefined && !info.isDirectory())
    throw untrusted(dir, dir, 'wrong_type', info, walk.home);
}

/**
 * Checks a file before it is read (config.yaml): the file itself (the user's or root's, not
 * writable by group or others; a symlink is followed and its target's chain is checked) and its
 * directories, as `checkTrustedDir` does. Whether it is a regular file is the reader's concern. A missing file passes if its existing
 * directories do: nothing can be read from it, and no one else can create it there.
 */
export function checkTrustedFile(file: string, options: TrustedPathOptions = {}): void {
  const walk = resolveWalk(file, options);
  if (walk === undefined) return;
  checkChain(file, walk); // the file itself is the chain's first component
}
