import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { CliIo } from '../src/io';

export interface MemoryIoOptions {
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** Answers given, in order, to masked prompts. */
  prompts?: string[];
  confirm?: boolean;
}

export interface MemoryIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  promptsAsked: string[];
}

/** In-memory streams for run(): stdin is pre-filled (and ended), stdout/stderr are captured. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? false });
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else if (options.stdinIsTTY !== true) stdin.end();
  const out: string[] = [];
  const err: string[] = [];
  const sink = (chunks: string[], isTTY: boolean) => {
    const stream = Object.assign(new PassThrough(), { isTTY });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    return stream;
  };
  const prompts = [...(options.prompts ?? [])];
  const promptsAsked: string[] = [];
  const io: CliIo = {
    stdin,
    stdout: sink(out, options.stdoutIsTTY ?? false),
    stderr: sink(err, options.stderrIsTTY ?? false),
    env: options.env ?? {},
    promptSecret: async (message) => {
      promptsAsked.push(message);
      const answer = prompts.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${message}`);
      return answer;
    },
    ...(options.confirm === undefined ? {} : { confirm: async () => options.confirm as boolean }),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join(''), promptsAsked };
}

/**
 * A fresh config dir with the smallest PBKDF2 work factor the schema allows (100,000 instead of
 * 600,000): real encryption, a sixth of the waiting.
 */
export function tempConfigDir(extraYaml = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'la-cli-'));
  writeFileSync(
    join(dir, 'config.yaml'),
    `security:\n  encryption:\n    iterations: 100000\n${extraYaml}`,
  );
  return dir;
}

/** A fake key of the provider's shape, built at run time (nothing key-like is committed). */
export function fakeKey(prefix = ['sk', 'proj', ''].join('-')): string {
  return `${prefix}${'A'.repeat(20)}${randomBytes(12).toString('hex')}`;
}

export const MASTER_PASSWORD = ['test', 'master', randomBytes(4).toString('hex')].join('-');

export function baseEnv(
  configDir: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    LOCALAGENT_CONFIG_DIR: configDir,
    LOCALAGENT_STORAGE: 'file',
    LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD,
    NO_COLOR: '1',
    ...extra,
  };
}
