import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { StorageError } from '@localagent/errors';

/** Where one config dir's agent listens, and the cookie its clients must present. */
export interface UnlockPaths {
  /** 0700, owned by the user: the only thing that keeps other users out (see README). */
  dir: string;
  socket: string;
  cookie: string;
}

/** Linux's sun_path holds 108 bytes with the NUL, macOS's 104. */
const MAX_SOCKET_PATH = 103;

function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * `$XDG_RUNTIME_DIR/localagent` (a per-user tmpfs on systemd machines, emptied at logout), else
 * `$TMPDIR/localagent-<uid>` (or /tmp): the places ssh-agent and gpg-agent use.
 */
export function unlockDir(env: Record<string, string | undefined>): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime !== undefined && isAbsolute(runtime)) return join(runtime, 'localagent');
  const tmp = env['TMPDIR'];
  const base = tmp !== undefined && isAbsolute(tmp) ? tmp : '/tmp';
  return join(base, `localagent-${currentUid() ?? 'user'}`);
}

function resolvedConfigDir(configDir: string): string {
  const absolute = resolve(configDir);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute; // not created yet: the same name it will have
  }
}

/** One agent per config dir: its name is a hash of the resolved directory. */
export function unlockPaths(
  configDir: string,
  env: Record<string, string | undefined>,
): UnlockPaths {
  const dir = unlockDir(env);
  const name = `agent-${createHash('sha256').update(resolvedConfigDir(configDir)).digest('hex').slice(0, 16)}`;
  return { dir, socket: join(dir, `${name}.sock`), cookie: join(dir, `${name}.cookie`) };
}

/** The socket the agent of `configDir` listens on. */
export function unlockSocketPath(
  configDir: string,
  env: Record<string, string | undefined>,
): string {
  return unlockPaths(configDir, env).socket;
}

/** Why `stats` is not a file or directory only the current user can use, or undefined when it is. */
export function privateReason(
  stats: Stats,
  kind: 'directory' | 'file' | 'socket',
): string | undefined {
  const isKind =
    kind === 'directory'
      ? stats.isDirectory()
      : kind === 'file'
        ? stats.isFile()
        : stats.isSocket();
  if (!isKind) return `is not a ${kind}${stats.isSymbolicLink() ? ' (a symbolic link)' : ''}`;
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) return `is owned by uid ${stats.uid}, not ${uid}`;
  if ((stats.mode & 0o077) !== 0)
    return `has mode ${(stats.mode & 0o777).toString(8)}; group and others must have no access`;
  return undefined;
}

/**
 * Creates the agent's directory (0700) if needed and checks it is ours and private; the parent
 * must not let another user rename it away (owned by us or root, or sticky like /tmp).
 */
export function ensurePrivateDir(dir: string): void {
  const parent = dirname(dir);
  const refuse = (what: string, reason: string): never => {
    throw new StorageError({
      message: `Refusing to use ${what} for the unlock agent: it ${reason}.`,
      suggestion: `Another user could reach the agent's socket. Remove ${dir} (it holds only sockets), or set XDG_RUNTIME_DIR to a directory only you can use (mode 700).`,
    });
  };
  const fsFailed = (what: string, error: unknown): never => {
    throw new StorageError({
      message: `Cannot prepare the unlock agent's directory ${what}: ${(error as Error).message}.`,
      suggestion:
        'Check that XDG_RUNTIME_DIR (or TMPDIR) names an existing directory you own; unset it to use the default.',
      details: { path: what },
      cause: error,
    });
  };
  let parentStats;
  try {
    parentStats = lstatSync(parent);
  } catch (error) {
    return fsFailed(parent, error);
  }
  const uid = currentUid();
  if (uid !== undefined && parentStats.uid !== uid && parentStats.uid !== 0)
    refuse(parent, `is owned by uid ${parentStats.uid}`);
  if ((parentStats.mode & 0o022) !== 0 && (parentStats.mode & 0o1000) === 0)
    refuse(parent, 'is writable by others without the sticky bit');
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') fsFailed(dir, error);
  }
  const reason = privateReason(lstatSync(dir), 'directory');
  if (reason !== undefined) refuse(dir, reason);
}

/** Throws when the socket path is too long for the platform (the listen error would not say why). */
export function checkSocketPathLength(socket: string): void {
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new StorageError({
      message: `The unlock agent's socket path is too long (${Buffer.byteLength(socket)} bytes, at most ${MAX_SOCKET_PATH}): ${socket}`,
      suggestion: 'Set XDG_RUNTIME_DIR (or TMPDIR) to a shorter directory only you can use.',
    });
  }
}
