import { Command, Option } from 'commander';
import { registerAgentCommands } from './commands/agent/index.js';
import { registerAuditCommands } from './commands/audit/index.js';
import { registerConfigCommands } from './commands/config/index.js';
import { registerDoctorCommand } from './commands/doctor/index.js';
import { registerErrorsCommands } from './commands/errors/index.js';
import { CliContext } from './context.js';
import type { CliIo } from './io.js';
import { LOG_FORMATS, LOG_LEVELS, oneOf, type GlobalOptions } from './global-options.js';
import { writeRaw } from './output.js';
import { VERSION } from './version.js';

/** Holds the context the running command created, so `run()` can close it and report through it. */
export interface ContextSlot {
  current: CliContext | undefined;
}

function globalsOf(command: Command): GlobalOptions {
  const raw = command.optsWithGlobals<Record<string, unknown>>();
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const logLevel = str(raw['logLevel']);
  const logFormat = str(raw['logFormat']);
  return {
    configDir: str(raw['configDir']),
    json: raw['json'] === true,
    debug: raw['debug'] === true,
    logLevel: logLevel === undefined ? undefined : oneOf('--log-level', logLevel, LOG_LEVELS),
    logFormat: logFormat === undefined ? undefined : oneOf('--log-format', logFormat, LOG_FORMATS),
    quiet: raw['quiet'] === true,
  };
}

/**
 * Builds the command tree: the global options here, each command group in its own module
 * (commands/<group>/index.ts). Actions create the run's context in `slot` and load their module lazily.
 */
export function buildProgram(io: CliIo, slot: ContextSlot): Command {
  const open = (command: Command): CliContext => {
    slot.current = new CliContext(io, globalsOf(command));
    return slot.current;
  };

  const program = new Command('localagent')
    .description(
      'Store, rotate and audit LLM provider API keys; diagnose the setup; explain errors.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option(
      '--config-dir <dir>',
      'configuration directory (default: LOCALAGENT_CONFIG_DIR or the platform config dir)',
    )
    .option('--json', 'machine-readable output: exactly one JSON document on stdout')
    .option('--debug', 'stack traces and debug logs (also LOCALAGENT_DEBUG=1)')
    .addOption(new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS))
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(LOG_FORMATS))
    .option('-q, --quiet', 'print results and errors only')
    .configureOutput({
      writeOut: (text) => writeRaw(io.stdout, text),
      writeErr: (text) => writeRaw(io.stderr, text),
      // run() reports every error itself (once, as text or JSON)
      outputError: () => undefined,
    })
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Keys are read from a masked prompt or from standard input (--stdin), never from arguments.

Examples:
  localagent config set-key openai              paste the key at the masked prompt
  localagent config set-key openai --stdin < key.txt
  localagent config list-keys --json
  localagent doctor
  localagent errors explain LA_KEY_NOT_FOUND

Exit codes: 0 ok, 1 internal or system error, 2 usage error, 3 user error (invalid key, wrong
master password, bad configuration), 4 not found, 5 transient failure (retry later), 6 integrity
check failed, 130 cancelled. Every error names a code: \`localagent errors explain <CODE>\`.`,
    );

  registerConfigCommands(program, open);
  registerAuditCommands(program, open);
  registerDoctorCommand(program, open);
  registerErrorsCommands(program, open);
  registerAgentCommands(program, open);
  return program;
}
