import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecurityLogger } from '../../src/logger';

/** Fake keys built at run time (nothing that looks like a credential is committed). */
export const fakeKeys = {
  openai: (): string => ['sk', 'proj', 'A'.repeat(20) + randomBytes(8).toString('hex')].join('-'),
  anthropic: (): string =>
    ['sk', 'ant', 'api03', 'B'.repeat(20) + randomBytes(8).toString('hex')].join('-'),
  gemini: (): string => 'AIza' + 'C'.repeat(19) + randomBytes(8).toString('hex'),
  groq: (): string => 'gsk_' + 'D'.repeat(20) + randomBytes(8).toString('hex'),
  generic: (): string => 'k' + randomBytes(20).toString('hex'),
};

export function tempDir(prefix = 'la-sec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CapturedLogger extends SecurityLogger {
  warnings: string[];
}

export function captureLogger(): CapturedLogger {
  const warnings: string[] = [];
  return { warnings, warning: (message) => void warnings.push(message) };
}

/** Fast KDF settings for tests (the schema's minimum); the defaults are covered by their own tests. */
export const FAST = { encryption: { iterations: 100_000 } } as const;
