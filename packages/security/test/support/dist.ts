import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built CommonJS entry: the integration tests exercise what is published, not the sources. */
export const DIST = join(__dirname, '..', '..', 'dist', 'index.js');

export function assertBuilt(): void {
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: run \`pnpm --filter @localagent/security build\` first`);
}

/** Writes a CommonJS script into `dir` that has `DIST` bound to the built package path. */
export function writeScript(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `'use strict';\nconst DIST = ${JSON.stringify(DIST)};\n${body}\n`);
  return file;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The built package, loaded in the test process (typed from the sources it is built from). */
export function loadDist(): typeof import('../../src/index') {
  assertBuilt();
  return createRequire(__filename)(DIST) as typeof import('../../src/index');
}
