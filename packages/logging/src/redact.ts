import { types } from 'node:util';
import { isSecretFieldName, maskSecrets, REDACTED, secretsVersion } from '@localagent/errors';
import { toErrorRecord, type ErrorRecord } from './error-record.js';

export interface RedactOptions {
  /** More field names whose values are always masked (compared case-insensitively). */
  keys?: readonly string[] | undefined;
  /** More patterns masked wherever they match in any string. */
  patterns?: readonly RegExp[] | undefined;
}

const MAX_DEPTH = 12;
const MAX_CACHED_KEYS = 5_000;

interface KeyInfo {
  secret: boolean;
  /** The key itself, masked (a secret used as an object key). */
  masked: string;
}

/**
 * Masking for log records: `maskSecrets` and `isSecretFieldName` of `@localagent/errors` (the
 * patterns, field names and registered secrets live there, once), plus this logger's own rules.
 */
export class Redactor {
  private readonly extraKeys: ReadonlySet<string>;
  private readonly userPatterns: readonly RegExp[];
  private readonly userDetectors: readonly RegExp[];
  private readonly serializeError: (error: Error) => ErrorRecord;
  private keyCache = new Map<string, KeyInfo>();
  private keyCacheVersion = -1;

  constructor(
    options: RedactOptions = {},
    serializeError: (error: Error) => ErrorRecord = (e) => toErrorRecord(e, false),
  ) {
    this.extraKeys = new Set((options.keys ?? []).map((k) => k.toLowerCase()));
    const patterns = options.patterns ?? [];
    this.userPatterns = patterns.map((p) => {
      const flags = p.flags.includes('g') ? p.flags : `${p.flags}g`;
      // eslint-disable-next-line security/detect-non-literal-regexp -- the user's own patterns, flags made global
      return new RegExp(p.source, flags);
    });
    // eslint-disable-next-line security/detect-non-literal-regexp -- the same patterns, non-global for test()
    this.userDetectors = patterns.map((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
    this.serializeError = serializeError;
  }

  /** `text` with every secret masked; the same string when nothing needed masking. */
  text(text: string): string {
    let out = maskSecrets(text);
    for (let i = 0; i < this.userPatterns.length; i++) {
      if (!(this.userDetectors[i] as RegExp).test(out)) continue;
      out = out.replace(this.userPatterns[i] as RegExp, REDACTED);
    }
    return out;
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
      const secret = isSecretFieldName(name) || this.extraKeys.has(name.toLowerCase());
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
    if (value instanceof Error || types.isNativeError(value))
      return this.walk(this.serializeError(value), depth, ancestors);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // what JSON.stringify would write (a URL's href, a Date's ISO string) is what gets masked
    if (typeof toJSON === 'function')
      return this.walk((toJSON as () => unknown).call(value), depth + 1, ancestors);
    ancestors.add(value);
    try {
      return Array.isArray(value)
        ? this.walkArray(value, depth, ancestors)
        : this.walkRecord(value as Record<string, unknown>, depth, ancestors);
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

  private walkRecord(
    value: Record<string, unknown>,
    depth: number,
    ancestors: Set<object>,
  ): Record<string, unknown> {
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

/** A secret-named field keeps only values that cannot hold a credential (absent, empty, a flag). */
function maskField(value: unknown): unknown {
  if (value === undefined || value === null || value === '' || typeof value === 'boolean')
    return value;
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
