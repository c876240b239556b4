import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AbortedError } from './aborted-error';
import { ERROR_CATALOG, explain } from './catalog';
import { errorCatalogMarkdown } from './catalog-markdown';
import { LocalAgentError } from './local-agent-error';
import {
  ConfigurationError,
  DecryptionError,
  InvalidKeyError,
  KeyNotFoundError,
  KeyringUnavailableError,
  KeyConflictError,
  StorageError,
} from './local-errors';
import {
  AuthenticationError,
  CircuitOpenError,
  ContentFilteredError,
  InvalidRequestError,
  NetworkError,
  ProviderError,
  ProviderUnavailableError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
} from './provider-errors';

const packageDir = join(__dirname, '..');
const repoRoot = join(packageDir, '..', '..');

/** Every non-test source file under packages/<name>/src and apps/<name>/src. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && name !== '__fixtures__' && name !== 'dist') walk(path);
      } else if (
        /\.(?:[cm]?ts|[cm]?js|tsx)$/.test(name) &&
        !/\.(?:test|spec)\.[cm]?[jt]sx?$/.test(name)
      ) {
        files.push(path);
      }
    }
  };
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(repoRoot, group))) {
      const src = join(repoRoot, group, name, 'src');
      if (
        statSync(join(repoRoot, group, name)).isDirectory() &&
        readdirSync(join(repoRoot, group, name)).includes('src')
      )
        walk(src);
    }
  }
  return files;
}

describe('the error catalog', () => {
  it('ERRORS.md is what the catalog generates (run `pnpm --filter @localagent/errors docs:errors` after editing src/catalog.ts)', () => {
    expect(readFileSync(join(packageDir, 'ERRORS.md'), 'utf8')).toBe(errorCatalogMarkdown());
  });

  it('lists every LA_ code that appears in the sources of any package or app', () => {
    const known = new Set(ERROR_CATALOG.map((e) => e.code));
    const missing: string[] = [];
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bLA_[A-Z0-9_]*[A-Z0-9]/g)) {
        if (!known.has(match[0])) missing.push(`${match[0]} (${relative(repoRoot, file)})`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('has unique, well-formed, one-line entries', () => {
    const codes = ERROR_CATALOG.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of ERROR_CATALOG) {
      expect(e.code).toMatch(/^LA_[A-Z0-9_]*[A-Z0-9]$/);
      expect(e.code).not.toContain('__');
      expect(['transient', 'permanent', 'user', 'system']).toContain(e.category);
      for (const text of [e.meaning, e.suggestion]) {
        expect(text.trim()).not.toBe('');
        expect(text).not.toContain('\n');
      }
    }
    expect(Object.isFrozen(ERROR_CATALOG)).toBe(true);
  });

  it("agrees with each class's default code, category and retryable", () => {
    const errors: LocalAgentError[] = [
      new LocalAgentError({ message: 'x' }),
      new ProviderError({ message: 'x', provider: 'p' }),
      new AuthenticationError({ message: 'x', provider: 'p' }),
      new RateLimitError({ message: 'x', provider: 'p' }),
      new QuotaExceededError({ message: 'x', provider: 'p' }),
      new ProviderUnavailableError({ message: 'x', provider: 'p' }),
      new InvalidRequestError({ message: 'x', provider: 'p' }),
      new ContentFilteredError({ message: 'x', provider: 'p' }),
      new NetworkError({ message: 'x' }),
      new TimeoutError({ message: 'x' }),
      new CircuitOpenError({ provider: 'p', retryAfterMs: 1 }),
      new AbortedError({ message: 'x' }),
      new ConfigurationError({ message: 'x' }),
      new KeyNotFoundError({ message: 'x' }),
      new InvalidKeyError({ message: 'x' }),
      new DecryptionError({ message: 'x' }),
      new KeyringUnavailableError({ message: 'x' }),
      new KeyConflictError({ message: 'x' }),
      new StorageError({ message: 'x' }),
    ];
    for (const err of errors) {
      const entry = explain(err.code);
      expect({
        code: err.code,
        className: entry?.className,
        category: entry?.category,
        retryable: entry?.retryable,
      }).toEqual({
        code: err.code,
        className: err.name,
        category: err.category,
        retryable: err.retryable,
      });
    }
  });

  it('explain(code) returns a copy of the entry, or undefined for an unknown code', () => {
    expect(explain('LA_RATE_LIMITED')).toEqual({
      code: 'LA_RATE_LIMITED',
      className: 'RateLimitError',
      package: '@localagent/errors',
      category: 'transient',
      retryable: true,
      meaning: expect.stringContaining('429'),
      suggestion: expect.stringContaining('retry'),
    });
    expect(explain(' la_aborted ')?.code).toBe('LA_ABORTED');
    expect(explain('LA_NOPE')).toBeUndefined();
    const copy = explain('LA_TIMEOUT')!;
    copy.meaning = 'changed';
    expect(explain('LA_TIMEOUT')?.meaning).not.toBe('changed');
    for (const code of [
      'LA_AUDIT_TAMPERED',
      'LA_KEYRING_TIMEOUT',
      'LA_MASTER_PASSWORD_REQUIRED',
      'LA_FILE_PERMISSIONS',
      'LA_FAILOVER_EXHAUSTED',
      'LA_CONTENT_FILTERED',
    ]) {
      expect(explain(code)).toBeDefined();
    }
    expect(explain('LA_KEYRING_TIMEOUT')).toMatchObject({ category: 'system', retryable: true });
  });

  it('renders pipes in table cells safely', () => {
    const md = errorCatalogMarkdown([{ ...ERROR_CATALOG[0]!, meaning: 'a | b' }]);
    expect(md).toContain('a \\| b');
    expect(md).toContain('Codes are stable forever.');
  });
});
