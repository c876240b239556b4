import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageError } from '@localagent/errors';
import { defaultConfigDir } from '@localagent/config';
import { environment } from './environment.js';
import { AUDIT_FILE_NAME } from './option-names.js';
import { acquireLockSync } from './file-lock.js';
import { DIR_MODE, FILE_MODE } from './permissions.js';

export type AuditAction =
  'store' | 'retrieve' | 'rotate' | 'delete' | 'list' | 'change_password' | 'unlock' | 'lock';
export type AuditOutcome = 'success' | 'failure' | 'not_found';

/** One audited action. Never carries key material: a fingerprint at most. */
export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  provider?: string | undefined;
  /** Where the key was read from or written to: 'keyring' | 'file' | 'none'. */
  backend?: string | undefined;
  /** The error code of a failure. */
  code?: string | undefined;
  fingerprint?: string | undefined;
}

/** `prev` of the first line: no line came before it. */
export const AUDIT_GENESIS = '0'.repeat(64);

export interface AuditLogOptions {
  path: string;
  now?: () => Date;
}

/**
 * The append-only audit log: one JSON line per action, hash-chained. Each line ends with
 * `"prev":<hash of the previous line>,"hash":<sha256 of this line's text up to and without
 * its ,"hash" field, closed with }>`; the first line's prev is AUDIT_GENESIS (64 zeros). Editing,
 * removing or reordering a line breaks the chain at that line; deleting lines from the end (or
 * rewriting the whole chain) cannot be detected without an external anchor.
 *
 * Appends are synchronous and under a lock file, so a line is on disk before the call returns and
 * two processes never both chain to the same predecessor.
 */
export class AuditLog {
  readonly path: string;
  readonly #now: () => Date;
  readonly #user: string;

  constructor(options: AuditLogOptions) {
    this.path = options.path;
    this.#now = options.now ?? (() => new Date());
    this.#user = currentUser();
  }

  append(event: AuditEvent): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: DIR_MODE });
    const release = acquireLockSync(`${this.path}.lock`);
    try {
      const fd = openSync(this.path, APPEND_FLAGS, FILE_MODE);
      try {
        if ((fstatSync(fd).mode & 0o077) !== 0) chmodSync(this.path, FILE_MODE);
        const record: Record<string, unknown> = {
          ts: this.#now().toISOString(),
          action: event.action,
          outcome: event.outcome,
          provider: event.provider,
          backend: event.backend,
          code: event.code,
          fingerprint: event.fingerprint,
          pid: process.pid,
          user: this.#user,
          prev: previousHash(fd),
        };
        writeSync(fd, `${sealLine(record)}\n`);
      } finally {
        closeSync(fd);
      }
    } finally {
      release();
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON of the record (undefined fields dropped), with the hash of that JSON appended as the last field. */
function sealLine(record: Record<string, unknown>): string {
  const body = JSON.stringify(record);
  return `${body.slice(0, -1)},"hash":"${sha256(body)}"}`;
}

// read + append + create, and never through a symlink (O_NOFOLLOW, where the platform has it)
const APPEND_FLAGS =
  constants.O_NOFOLLOW === undefined
    ? 'a+'
    : constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

const SEAL = /,"hash":"([0-9a-f]{64})"\}$/;

/** The hash a line claims and whether its text matches it; `undefined` when it is not a sealed line. */
function checkLine(line: string): { hash: string; prev: unknown; intact: boolean } | undefined {
  const match = SEAL.exec(line);
  if (match === null) return undefined;
  const body = `${line.slice(0, match.index)}}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const hash = match[1] as string;
  return { hash, prev: (parsed as { prev?: unknown }).prev, intact: sha256(body) === hash };
}

function previousHash(fd: number): string {
  const size = fstatSync(fd).size;
  if (size === 0) return AUDIT_GENESIS;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, size - length);
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const last = lines[lines.length - 1] ?? '';
  // a damaged last line still gets a successor chained to its text; verifyAuditLog reports it
  return checkLine(last)?.hash ?? sha256(last);
}

export interface AuditVerification {
  ok: boolean;
  /** Number of lines read. */
  entries: number;
  /** 1-based number of the first line whose hash or link is wrong. */
  firstBadLine?: number;
}

/** Verifies the chain of any copy of an audit log (default: audit.log in the config dir). A missing file verifies as empty. */
export async function verifyAuditLog(
  path: string = join(defaultConfigDir(environment(undefined)), AUDIT_FILE_NAME),
): Promise<AuditVerification> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, entries: 0 };
    throw new StorageError({
      message: `Cannot read the audit log ${path}.`,
      cause: error,
      details: { path },
    });
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = AUDIT_GENESIS;
  for (let i = 0; i < lines.length; i += 1) {
    const checked = checkLine(lines[i] as string);
    if (checked === undefined || !checked.intact || checked.prev !== prev)
      return { ok: false, entries: lines.length, firstBadLine: i + 1 };
    prev = checked.hash;
  }
  return { ok: true, entries: lines.length };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // containers without a passwd entry
    return String(process.getuid?.() ?? 'unknown');
  }
}
