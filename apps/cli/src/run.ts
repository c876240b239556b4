import { CommanderError } from 'commander';
import { LocalAgentError, formatError, maskSecrets } from '@localagent/errors';
import { UsageError } from './cli-errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { isDebug } from './global-options.js';
import type { CliIo } from './io.js';
import { Output, isColorEnabled } from './output.js';
import { buildProgram, type ContextSlot } from './program.js';

/** Commander's own "exit" signals that are not failures. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs one command line: parse, dispatch, then catch any error once, here, print it (text on stderr;
 * also JSON on stdout with --json) and turn it into the exit code. Services the command opened are
 * closed on success and on failure, so no log or audit line is lost.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const slot: ContextSlot = { current: undefined };
  const program = buildProgram(io, slot);
  let failure: unknown;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    failure = error;
  }
  if (slot.current !== undefined) {
    try {
      await slot.current.close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure === undefined) return ExitCode.ok;
  if (failure instanceof CommanderError) {
    if (
      COMMANDER_SUCCESS.has(failure.code) ||
      (failure.code === 'commander.help' && failure.exitCode === 0)
    )
      return ExitCode.ok;
    failure = usageFromCommander(failure);
  }
  report(
    failure,
    slot.current?.output ?? fallbackOutput(argv, io),
    isDebug(argv.includes('--debug'), io.env),
  );
  return exitCodeFor(failure);
}

/** Commander's parse errors are usage errors (exit 2), reported like every other error. */
export function usageFromCommander(error: CommanderError): UsageError {
  const message =
    error.code === 'commander.help'
      ? 'A command is required.'
      : error.message.replace(/^error: /, '');
  return new UsageError({ message: capitalize(message), cause: error });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** When parsing failed there is no context yet: read the output flags straight from argv. */
function fallbackOutput(argv: readonly string[], io: CliIo): Output {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return new Output(io, {
    json: flags.includes('--json'),
    quiet: flags.includes('--quiet') || flags.includes('-q'),
    color: isColorEnabled(io),
  });
}

/** The one place an error becomes text: formatError (stack only with --debug) and, with --json, the error document. */
export function report(error: unknown, output: Output, debug: boolean): void {
  const json = errorDocument(error);
  output.failure(formatError(error, { debug }), json);
}

/** `{ code, category, message, suggestion }`: what a script needs, never a stack. */
export function errorDocument(error: unknown): Record<string, unknown> {
  if (LocalAgentError.isInstance(error)) {
    return {
      code: error.code,
      category: error.category,
      message: error.message,
      suggestion: error.suggestion ?? null,
    };
  }
  const message = maskSecrets(error instanceof Error ? error.message : String(error));
  return {
    code: 'LA_INTERNAL',
    category: 'system',
    message,
    suggestion: 'This is a bug in localagent; run again with --debug and report the output.',
  };
}
