import { createInterface } from 'node:readline/promises';
import { AbortedError, ConfigurationError } from '@localagent/errors';
import { UsageError } from './cli-errors.js';
import type { CliIo } from './io.js';

/** Reads all of a stream; a key piped with `echo` ends in one newline, which is not part of it. */
export async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const buffer = Buffer.concat(chunks);
  try {
    return stripOneNewline(buffer.toString('utf8'));
  } finally {
    // The key passed through these buffers: do not leave it in memory longer than needed.
    buffer.fill(0);
    for (const chunk of chunks) chunk.fill(0);
  }
}

/** Removes exactly one trailing `\n` or `\r\n`. */
export function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/** The masked prompt on the terminal; @inquirer/password is ESM-only and heavy, so loaded on demand. */
async function inquirerPassword(io: CliIo, message: string): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  return password(
    { message, mask: '*' },
    {
      input: io.stdin as NodeJS.ReadableStream as never,
      output: io.stderr as never,
      clearPromptOnDone: true,
    },
  );
}

/** Ctrl-C (or Ctrl-D) at a prompt is the user cancelling, not a bug: inquirer's ExitPromptError becomes LA_ABORTED. */
export function cancelledAtPrompt(error: unknown): unknown {
  if (error instanceof Error && error.name === 'ExitPromptError') {
    return new AbortedError({
      message: 'Cancelled at the prompt; nothing was stored.',
      suggestion: 'Run the command again when you have the key at hand.',
      cause: error,
    });
  }
  return error;
}

/** Asks for a secret with a masked prompt (never echoed). */
export async function promptSecret(io: CliIo, message: string): Promise<string> {
  try {
    return await (io.promptSecret !== undefined
      ? io.promptSecret(message)
      : inquirerPassword(io, message));
  } catch (error) {
    throw cancelledAtPrompt(error);
  }
}

/**
 * A key comes from stdin (`--stdin`) or a masked prompt on a terminal, never from argv.
 * Without a terminal and without `--stdin` there is no safe way to ask: say how to pipe it.
 */
export async function readKey(
  io: CliIo,
  options: { stdin: boolean; provider: string; command: string },
): Promise<string> {
  if (options.stdin) {
    // typing into a terminal in cooked mode echoes every character: the masked prompt is the way there
    if (io.stdin.isTTY === true) {
      throw new UsageError({
        message:
          '--stdin reads a pipe or a file, and standard input is a terminal: what you type would be echoed.',
        suggestion: `Leave out --stdin to get the masked prompt (\`localagent config ${options.command} ${options.provider}\`), or pipe the key in.`,
      });
    }
    return readStdin(io.stdin);
  }
  if (io.stdin.isTTY === true) return promptSecret(io, `API key for ${options.provider}:`);
  throw new UsageError({
    message: 'No terminal to prompt for the key, and --stdin was not given.',
    suggestion: `Pipe the key on standard input: \`localagent config ${options.command} ${options.provider} --stdin < keyfile\` (never as an argument).`,
  });
}

/**
 * The master password: LOCALAGENT_MASTER_PASSWORD, else a masked prompt (twice when a new key file
 * is about to be created, so a typo cannot lock the user out). Never from argv.
 */
export async function resolveMasterPassword(
  io: CliIo,
  options: { creating: boolean },
): Promise<string> {
  const fromEnv = io.env['LOCALAGENT_MASTER_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.stdin.isTTY !== true) {
    throw new ConfigurationError({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      message:
        'The encrypted key file needs a master password, and there is no terminal to ask for it.',
      suggestion:
        'Set LOCALAGENT_MASTER_PASSWORD in the environment (not on the command line), or run the command in a terminal.',
    });
  }
  const first = await promptSecret(
    io,
    options.creating ? 'New master password for the key file:' : 'Master password:',
  );
  if (!options.creating) return first;
  const second = await promptSecret(io, 'Repeat the master password:');
  if (first !== second) {
    throw new ConfigurationError({
      message: 'The two master passwords differ; nothing was stored.',
      suggestion: 'Run the command again and type the same password twice.',
    });
  }
  return first;
}

/** A yes/no question on the terminal (default no). */
export async function confirm(io: CliIo, message: string): Promise<boolean> {
  if (io.confirm !== undefined) return io.confirm(message);
  const rl = createInterface({
    input: io.stdin,
    output: io.stderr,
    terminal: io.stdin.isTTY === true,
  });
  try {
    const answer = await rl.question(`${message} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
