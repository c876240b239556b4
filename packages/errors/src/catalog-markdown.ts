import { ERROR_CATALOG, type ErrorCatalogEntry } from './catalog.js';
import type { ErrorCategory } from './category.js';

const CATEGORIES: ReadonlyArray<[ErrorCategory, string]> = [
  [
    'transient',
    'Retrying may succeed (rate limit, 5xx, overload, network failure, timeout, open circuit).',
  ],
  [
    'permanent',
    "Retrying will not help and it is not the user's to fix (bad request, unknown model).",
  ],
  [
    'user',
    'The user must act (invalid key, exhausted quota or billing, content filter, bad configuration, wrong password).',
  ],
  [
    'system',
    'The local environment failed (keyring, file permissions, disk full, corrupted state, bugs).',
  ],
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function section(e: ErrorCatalogEntry): string {
  return [
    `### ${e.code}`,
    '',
    `- **Class:** \`${e.className}\` (\`${e.package}\`)`,
    `- **Category:** ${e.category}; ${e.retryable ? 'retryable' : 'not retryable'}`,
    `- **Meaning:** ${e.meaning}`,
    `- **What to do:** ${e.suggestion}`,
    '',
  ].join('\n');
}

/** The text of `packages/errors/ERRORS.md`, generated from `ERROR_CATALOG` (a test keeps the two equal). */
export function errorCatalogMarkdown(
  catalog: readonly ErrorCatalogEntry[] = ERROR_CATALOG,
): string {
  const sorted = [...catalog].sort((a, b) => a.code.localeCompare(b.code));
  return [
    '# LocalAgent error codes',
    '',
    '<!-- Generated from packages/errors/src/catalog.ts by `pnpm --filter @localagent/errors docs:errors`. Do not edit by hand. -->',
    '',
    'Every error LocalAgent throws is a `LocalAgentError` with a `code`, a `category`, a `retryable` flag and a `suggestion`.',
    'Run `localagent errors explain <code>` (or call `explain(code)` from `@localagent/errors`) to get the entry below for a code.',
    '',
    '**Codes are stable forever.** Once published, a code never changes meaning and is never reused for anything else,',
    "even after it is retired (the practice of Node's `ERR_*` codes and Rust's `E0xxx`). Match on `code`, not on messages:",
    'messages may be reworded in any release.',
    '',
    '## Categories',
    '',
    '| Category | Meaning |',
    '| --- | --- |',
    ...CATEGORIES.map(([name, meaning]) => `| \`${name}\` | ${cell(meaning)} |`),
    '',
    '`retryable` defaults to `category === "transient"`; a provider may override it per response with the `x-should-retry` header.',
    '',
    '## Index',
    '',
    '| Code | Class | Category | Retryable | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...sorted.map(
      (e) =>
        `| [\`${e.code}\`](#${e.code.toLowerCase()}) | \`${e.className}\` | ${e.category} | ${e.retryable ? 'yes' : 'no'} | ${cell(e.meaning)} |`,
    ),
    '',
    '## Codes',
    '',
    ...sorted.map(section),
  ].join('\n');
}
