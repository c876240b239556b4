import { types } from 'node:util';
import { isSecretFieldName, maskSecrets, REDACTED, SECRET_PATTERNS } from '@localagent/errors';
import { toErrorRecord, type ErrorRecord } from './error-record.js';
import { registeredSecretsMatcher, secretsVersion } from './secret-registry.js';

export interface RedactOptions {
  /** More field names whose values are always masked (compared case-insensitively). */
  keys?: readonly string[] | undefined;
  /** More patterns masked wherever they match in any string. */
  patterns?: readonly RegExp[] | undefined;
}

/**
 * Applied to the whole text before it is masked in windows: a window cut at the space inside
 * `Bearer <value>` would otherwise hand the value to maskSecrets without its scheme.
 */
const AUTHORIZATION_VALUE = /(?:(?<![A-Za-z])|(?<=%[0-9A-Fa-f]{2}))(Bearer|Basic|Token)(\s+|%20)[A-Za-z0-9._~+/=-]{8,}/gi;

// The user:pass@ rule inside maskSecrets (not exported by errors) without its scheme, for detection
// only; the user part excludes ':' so the match stays linear on long strings.
const URL_CREDENTIALS_LOOSE = /:\/\/[^\s/:@]+:[^\s/@]+@/;

interface Detector {
  test(text: string): boolean;
}

/**
 * One regex that finds any string one of `patterns` would match (case-insensitive, so a superset):
 * clean strings, the vast majority, cost one test and no copy. Should a pattern not combine (a
 * named group used twice, a flag the others lack), each is tested in turn instead.
 */
export function combineDetectors(patterns: readonly RegExp[]): Detector {
  try {
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from constant patterns
    return new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i');
  } catch {
    // eslint-disable-next-line security/detect-non-literal-regexp -- the same constant patterns, one by one
    const each = patterns.map((p) => new RegExp(p.source, `${p.flags.replace(/[gyi]/g, '')}i`));
    return { test: (text) => each.some((pattern) => pattern.test(text)) };
  }
}

/** Finds any string maskSecrets would change. */
const DETECTOR = combineDetectors([...SECRET_PATTERNS, URL_CREDENTIALS_LOOSE]);

/** Field names that hold a credential, beyond errors' exact list: any name ending in one of these words. */
const SECRET_FIELD_SUFFIX =
  /(?:^|[_.\s-])(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|auth|authorization|cookie|set[_-]cookie|credentials?|private[_-]?key|client[_-]?secret|session[_-]?(?:id|token|key)|access[_-]?key|secret[_-]?key)$/i;

const MAX_DEPTH = 12;

/**
 * Longer text is masked in windows cut at whitespace (no credential shape contains any): some
 * credential patterns backtrack quadratically on long runs, so the cost stays linear in the length.
 */
const WINDOW = 1024;
const MAX_CACHED_KEYS = 5_000;

interface KeyInfo {
  secret: boolean;
  /** The key itself, masked (a secret used as an object key). */
  masked: string;
}

/** Masking in one place: field names, credential patterns, registered secrets and user rules. */
export class Redactor {
  private readonly extraKeys: ReadonlySet<string>;
  private readonly userPatterns: readonly RegExp[];
  private readonly userDetectors: readonly RegExp[];
  private readonly serializeError: (error: Error) => ErrorRecord;
  private keyCache = new Map<string, KeyInfo>();
  private keyCacheVersion = -1;

  constructor(options: RedactOptions = {}, serializeError: (error: Error) => ErrorRecord = (e) => toErrorRecord(e, false)) {
    this.extraKeys = new Set((options.keys ?? []).map((k) => k.toLowerCase()));
    const patterns = options.patterns ?? [];
    // eslint-disable-next-line security/detect-non-literal-regexp -- the user's own patterns, flags made global
    this.userPatterns = patterns.map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
    // eslint-disable-next-line security/detect-non-literal-regexp -- the same patterns, non-global for test()
    this.userDetectors = patterns.map((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
    this.serializeError = serializeError;
  }

  /** `text` with every secret masked; the same string when nothing needed masking. */
  text(text: string): string {
    const secrets = registeredSecretsMatcher();
    if (!this.needsMasking(text, secrets)) return text;
    let out = text;
    if (secrets !== null) out = out.replace(secrets, REDACTED);
    out = out.replace(AUTHORIZATION_VALUE, `$1$2${REDACTED}`);
    out = out.length <= WINDOW ? maskSecrets(out) : maskInWindows(out);
    for (const pattern of this.userPatterns) out = out.replace(pattern, REDACTED);
    return out;
  }

  private needsMasking(text: string, secrets: RegExp | null): boolean {
    if (DETECTOR.test(text)) return true;
    if (secrets !== null) {
      secrets.lastIndex = 0;
      if (secrets.test(text)) return true;
    }
    for (const detector of this.userDetectors) if (detector.test(text)) return true;
    return false;
  }

  /** True when a field of this name is masked whatever its value. */
  isSecretKey(name: string): boolean {
    return this.keyInfo(name).secret;
  }

  private keyInfo(name: string): KeyInfo {
    const version = secretsVersion();
    if (version !== this.keyCacheVersion || this.keyCache.size > MAX_CACHED_KEYS) {
      this.keyCache = new Map();
      this.keyCacheVersion = version;
    }
    let info = this.keyCache.get(name);
    if (info === undefined) {
      const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
      const secret = isSecretFieldName(name) || this.extraKeys.has(name.toLowerCase()) || SECRET_FIELD_SUFFIX.test(snake);
      info = { secret, masked: this.text(name) };
      this.keyCache.set(name, info);
    }
    return info;
  }

  /**
   * A masked copy of `value` at any depth, copy-on-write: unchanged parts are shared and the
   * caller's objects are never mutated. Errors become {@link ErrorRecord}s, cycles `[Circular]`.
   */
  value<T>(value: T): T {
    return this.walk(value, 0, new Set()) as T;
  }

  private walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'bigint':
        return value.toString();
      case 'object':
        return value === null ? value : this.walkObject(value, depth, ancestors);
      default:
        return value;
    }
  }

  private walkObject(value: object, depth: number, ancestors: Set<object>): unknown {
    if (ancestors.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (value instanceof Error || types.isNativeError(value)) return this.walk(this.serializeError(value), depth, ancestors);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // what JSON.stringify would write (a URL's href, a Date's ISO string) is what gets masked
    if (typeof toJSON === 'function') return this.walk((toJSON as () => unknown).call(value), depth + 1, ancestors);
    ancestors.add(value);
    try {
      return Array.isArray(value) ? this.walkArray(value, depth, ancestors) : this.walkRecord(value as Record<string, unknown>, depth, ancestors);
    } finally {
      ancestors.delete(value);
    }
  }

  private walkArray(value: readonly unknown[], depth: number, ancestors: Set<object>): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const masked = this.walk(item, depth + 1, ancestors);
      if (copy === undefined && masked !== item) copy = value.slice(0, i);
      if (copy !== undefined) copy.push(masked);
    }
    return copy ?? (value as unknown[]);
  }

  private walkRecord(value: Record<string, unknown>, depth: number, ancestors: Set<object>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = value[key];
      const info = this.keyInfo(key);
      const masked = info.secret ? maskField(item) : this.walk(item, depth + 1, ancestors);
      if (copy === undefined && (masked !== item || info.masked !== key)) {
        copy = {};
        for (let j = 0; j < i; j++) {
          const earlier = keys[j] as string;
          copy[this.keyInfo(earlier).masked] = value[earlier];
        }
      }
      if (copy !== undefined) copy[info.masked] = masked;
    }
    return copy ?? value;
  }
}


function maskInWindows(text: string): string {
  let out = '';
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + WINDOW, text.length);
    if (end < text.length) {
      let cut = end - 1;
      while (cut > start && !isWhitespace(text.charCodeAt(cut))) cut -= 1;
      if (cut > start) {
        end = cut + 1;
      } else {
        // one run without whitespace, longer than a window: too long to scan for where a
        // credential starts and ends, so a run that looks like it holds one is masked whole
        const next = text.slice(end).search(/\s/);
        end = next === -1 ? text.length : end + next;
        const run = text.slice(start, end);
        out += DETECTOR.test(run) ? REDACTED : run;
        start = end;
        continue;
      }
    }
    const window = text.slice(start, end);
    out += DETECTOR.test(window) ? maskSecrets(window) : window;
    start = end;
  }
  return out;
}

function isWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 0x2028 || code === 0x2029 || code === 0xfeff;
}

/** A secret-named field keeps only values that cannot hold a credential (absent, empty, a flag). */
function maskField(value: unknown): unknown {
  if (value === undefined || value === null || value === '' || typeof value === 'boolean') return value;
  return REDACTED;
}

let defaultRedactor: Redactor | undefined;

/**
 * Applies every built-in masking rule and every registered secret to a string or any value
 * (copy-on-write), for outputs other than logs: CLI messages, error reports.
 */
export function redact<T>(value: T): T {
  defaultRedactor ??= new Redactor();
  return defaultRedactor.value(value);
}
