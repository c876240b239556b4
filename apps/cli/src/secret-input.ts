import { openSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ReadStream, WriteStream } from 'node:tty';
import { AbortedError, ConfigurationError } from '@localagent/errors';
import { UsageError } from './cli-errors.js';
import {
  isAcceptableNewMasterPassword,
  MIN_MASTER_PASSWORD_LENGTH,
} from '@localagent/security/config';
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

/** The masked prompt on a terminal; @inquirer/password is ESM-only and heavy, so loaded on demand. */
export async function maskedPrompt(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  message: string,
): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  return password(
    { message, mask: '*' },
    { input: input as never, output: output as never, clearPromptOnDone: true },
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
      : maskedPrompt(io.stdin, io.stderr, message));
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

/** Where masked prompts are shown: the process's standard input, or its controlling terminal. */
export interface PromptTerminal {
  ask(message: string): Promise<string>;
  close(): void;
}

/** Opens the controlling terminal, or returns undefined when the process has none. */
export type OpenTerminal = () => PromptTerminal | undefined;

/**
 * The controlling terminal (`/dev/tty`), for prompts when standard input carries something else
 * (`pass show openai | localagent config set-key openai --stdin`), as ssh and sudo do. Without one
 * (CI, cron, `setsid`: opening it fails with ENXIO) there is nobody to ask: returns undefined.
 */
export function openControllingTerminal(
  path = '/dev/tty',
  prompt: typeof maskedPrompt = maskedPrompt,
): PromptTerminal | undefined {
  let input: ReadStream;
  try {
    input = new ReadStream(openSync(path, 'r'));
  } catch {
    return undefined;
  }
  return {
    // inquirer ends its output stream after each prompt: each prompt writes through its own
    ask: async (message) => {
      const output = new WriteStream(openSync(path, 'w'));
      try {
        return await prompt(input, output, message);
      } finally {
        output.destroy();
      }
    },
    close: () => input.destroy(),
  };
}

/**
 * Standard input when it is a terminal, else the controlling terminal. An io that brings its own
 * prompt (tests, embedding) decides alone: the controlling terminal belongs to the process, not to it.
 */
function promptTerminal(io: CliIo, open: OpenTerminal | undefined): PromptTerminal | undefined {
  if (io.stdin.isTTY === true) return { ask: (message) => promptSecret(io, message), close() {} };
  const terminal = (
    open ?? (io.promptSecret === undefined ? () => openControllingTerminal() : undefined)
  )?.();
  if (terminal === undefined) return undefined;
  return {
    ask: (message) =>
      terminal.ask(message).catch((error: unknown) => Promise.reject(cancelledAtPrompt(error))),
    close: () => terminal.close(),
  };
}

const NEW_PASSWORD_ATTEMPTS = 3;

/**
 * A new master password, typed twice so a typo cannot lock the user out. The length is checked
 * before the confirmation, and a short or mistyped one is asked again, with the reason, up to
 * three times.
 */
async function askNewPassword(terminal: PromptTerminal, message: string): Promise<string> {
  let reason = '';
  for (let attempt = 1; ; attempt++) {
    const first = await terminal.ask(`${reason}${message}`);
    const isShort = !isAcceptableNewMasterPassword(first);
    const matches = !isShort && (await terminal.ask('Repeat the master password:')) === first;
    if (matches) return first;
    if (attempt === NEW_PASSWORD_ATTEMPTS) {
      throw new ConfigurationError({
        code: isShort ? 'LA_MASTER_PASSWORD_WEAK' : 'LA_MASTER_PASSWORD_REQUIRED',
        message: isShort
          ? `The master password must be at least ${MIN_MASTER_PASSWORD_LENGTH} characters; nothing was changed.`
          : `The two master passwords differed ${NEW_PASSWORD_ATTEMPTS} times; nothing was changed.`,
        suggestion: isShort
          ? `Choose a passphrase of at least ${MIN_MASTER_PASSWORD_LENGTH} characters, e.g. four random words.`
          : 'Run the command again and type the same password twice.',
      });
    }
    reason = isShort
      ? `Too short (at least ${MIN_MASTER_PASSWORD_LENGTH} characters). `
      : 'The two passwords differ. ';
  }
}

/**
 * The master password: LOCALAGENT_MASTER_PASSWORD, else a masked prompt on the terminal (twice when
 * a new key file is about to be created). Never from argv. When standard input carries the key, the
 * prompt goes to the controlling terminal; with no terminal at all, say how to set it.
 */
export async function resolveMasterPassword(
  io: CliIo,
  options: { creating: boolean; openTerminal?: OpenTerminal },
): Promise<string> {
  const fromEnv = io.env['LOCALAGENT_MASTER_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const terminal = promptTerminal(io, options.openTerminal);
  if (terminal === undefined) {
    throw new ConfigurationError({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      message:
        'The encrypted key file needs a master password, and there is no terminal to ask for it.',
      suggestion:
        'Set LOCALAGENT_MASTER_PASSWORD in the environment (not on the command line), or run the command in a terminal.',
    });
  }
  try {
    return options.creating
      ? await askNewPassword(terminal, 'New master password for the key file:')
      : await terminal.ask('Master password:');
  } finally {
    terminal.close();
  }
}

/**
 * The new password for `config change-password`, typed twice on the terminal (standard input or
 * the controlling terminal); undefined when there is no terminal.
 */
export async function askNewMasterPassword(
  io: CliIo,
  options: { openTerminal?: OpenTerminal } = {},
): Promise<string | undefined> {
  const terminal = promptTerminal(io, options.openTerminal);
  if (terminal === undefined) return undefined;
  try {
    return await askNewPassword(terminal, 'New master password:');
  } finally {
    terminal.close();
  }
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
