/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` and `--version` never load winston, ajv, cockatiel or the key store (dynamic import() is not available under jest's CJS runtime). */
import { Command, Option } from 'commander';
import { CliContext } from './context.js';
import type { CliIo } from './io.js';
import {
  LOG_FORMATS,
  LOG_LEVELS,
  STORAGE_KINDS,
  VALIDATE_MODES,
  checkProviderName,
  oneOf,
  refuseExtraArguments,
  type GlobalOptions,
} from './global-options.js';
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

/** Builds the command tree; actions create the run's context in `slot` and load their module lazily. */
export function buildProgram(io: CliIo, slot: ContextSlot): Command {
  const open = (command: Command): CliContext => {
    slot.current = new CliContext(io, globalsOf(command));
    return slot.current;
  };

  const program = new Command('localagent')
    .description('Store, rotate and audit LLM provider API keys; diagnose the setup; explain errors.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option('--config-dir <dir>', 'configuration directory (default: LOCALAGENT_CONFIG_DIR or the platform config dir)')
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

  const config = program.command('config').description('store, show, rotate, delete and list provider API keys; check config.yaml');

  config
    .command('set-key')
    .description('store a key (from a masked prompt, or from standard input with --stdin; never as an argument)')
    .argument('<provider>', 'provider name, e.g. openai, anthropic, gemini')
    .option('--stdin', 'read the key from standard input (one trailing newline is stripped)')
    .addOption(new Option('--validate <mode>', 'check before storing').choices(VALIDATE_MODES).default('format'))
    .addOption(new Option('--storage <kind>', 'where to store it (default: LOCALAGENT_STORAGE or auto)').choices(STORAGE_KINDS))
    .allowExcessArguments()
    .action(async (provider: string, options: { stdin?: boolean; validate: string; storage?: string }, command: Command) => {
      refuseExtraArguments(provider, command.args.slice(1));
      const { setKey } = require('./commands/config/set-key.js') as typeof import('./commands/config/set-key.js');
      await setKey(open(command), {
        provider: checkProviderName(provider),
        stdin: options.stdin === true,
        validate: oneOf('--validate', options.validate, VALIDATE_MODES),
        storage: options.storage === undefined ? undefined : oneOf('--storage', options.storage, STORAGE_KINDS),
      });
    });

  config
    .command('get-key')
    .description("show a key's fingerprint (the key itself only with --reveal)")
    .argument('<provider>', 'provider name')
    .option('--reveal', 'print the key itself')
    .action(async (provider: string, options: { reveal?: boolean }, command: Command) => {
      const { getKey } = require('./commands/config/get-key.js') as typeof import('./commands/config/get-key.js');
      await getKey(open(command), { provider: checkProviderName(provider), reveal: options.reveal === true });
    });

  config
    .command('rotate-key')
    .description('replace a stored key with a new one (validated first; the old one is gone everywhere)')
    .argument('<provider>', 'provider name')
    .option('--stdin', 'read the new key from standard input (one trailing newline is stripped)')
    .addOption(new Option('--validate <mode>', 'check before storing').choices(VALIDATE_MODES).default('format'))
    .allowExcessArguments()
    .action(async (provider: string, options: { stdin?: boolean; validate: string }, command: Command) => {
      refuseExtraArguments(provider, command.args.slice(1));
      const { rotateKey } = require('./commands/config/rotate-key.js') as typeof import('./commands/config/rotate-key.js');
      await rotateKey(open(command), {
        provider: checkProviderName(provider),
        stdin: options.stdin === true,
        validate: oneOf('--validate', options.validate, VALIDATE_MODES),
      });
    });

  config
    .command('delete-key')
    .description('delete a key from every backend that holds it')
    .argument('<provider>', 'provider name')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (provider: string, options: { yes?: boolean }, command: Command) => {
      const { deleteKey } = require('./commands/config/delete-key.js') as typeof import('./commands/config/delete-key.js');
      await deleteKey(open(command), { provider: checkProviderName(provider), yes: options.yes === true });
    });

  config
    .command('list-keys')
    .description('list stored keys and environment overrides (fingerprints only)')
    .action(async (_options: unknown, command: Command) => {
      const { listKeys } = require('./commands/config/list-keys.js') as typeof import('./commands/config/list-keys.js');
      await listKeys(open(command));
    });

  config
    .command('validate')
    .description('check config.yaml against the logging and security schemas')
    .action(async (_options: unknown, command: Command) => {
      const { validateConfig } = require('./commands/config/validate.js') as typeof import('./commands/config/validate.js');
      await validateConfig(open(command));
    });

  const audit = program.command('audit').description('verify and show the audit log');

  audit
    .command('verify')
    .description("check the audit log's hash chain (exit 6 when a line was edited, removed or reordered)")
    .action(async (_options: unknown, command: Command) => {
      const { verifyAudit } = require('./commands/audit/verify.js') as typeof import('./commands/audit/verify.js');
      await verifyAudit(open(command));
    });

  audit
    .command('show')
    .description('print audit entries')
    .option('--tail <n>', 'only the last N entries')
    .action(async (options: { tail?: string }, command: Command) => {
      const { showAudit } = require('./commands/audit/show.js') as typeof import('./commands/audit/show.js');
      await showAudit(open(command), { tail: options.tail });
    });

  program
    .command('doctor')
    .description('check backends, keyring reachability, file permissions, configuration and log destination')
    .action(async (_options: unknown, command: Command) => {
      const { doctor } = require('./commands/doctor/doctor.js') as typeof import('./commands/doctor/doctor.js');
      await doctor(open(command));
    });

  const errors = program.command('errors').description('explain error codes');

  errors
    .command('explain')
    .description("print a code's catalog entry: class, category, meaning, what to do")
    .argument('<code>', 'an error code, e.g. LA_KEY_NOT_FOUND')
    .action(async (code: string, _options: unknown, command: Command) => {
      const { explainCode } = require('./commands/errors/explain.js') as typeof import('./commands/errors/explain.js');
      await explainCode(open(command), { code });
    });

  return program;
}
