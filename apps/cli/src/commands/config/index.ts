/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` never loads winston, cockatiel or the key store. */
import { Option, type Command } from 'commander';
import type { OpenContext } from '../../context.js';
import {
  STORAGE_MODES,
  VALIDATION_MODES,
  checkProviderName,
  oneOf,
  refuseExtraArguments,
} from '../../global-options.js';

/** `localagent config …`: set-key, get-key, rotate-key, delete-key, list-keys, change-password, validate. */
export function registerConfigCommands(program: Command, open: OpenContext): void {
  const config = program
    .command('config')
    .description(
      'store, show, rotate, delete and list provider API keys; change the master password; check config.yaml',
    );

  config
    .command('set-key')
    .description(
      'store a key (from a masked prompt, or from standard input with --stdin; never as an argument)',
    )
    .argument('<provider>', 'provider name, e.g. openai, anthropic, gemini')
    .option('--stdin', 'read the key from standard input (one trailing newline is stripped)')
    .addOption(
      new Option('--validate <mode>', 'check before storing')
        .choices(VALIDATION_MODES)
        .default('format'),
    )
    .addOption(
      new Option(
        '--storage <kind>',
        'where to store it (default: LOCALAGENT_STORAGE or auto)',
      ).choices(STORAGE_MODES),
    )
    .allowExcessArguments()
    .action(
      async (
        provider: string,
        options: { stdin?: boolean; validate: string; storage?: string },
        command: Command,
      ) => {
        refuseExtraArguments(provider, command.args.slice(1));
        const { setKey } = require('./set-key.js') as typeof import('./set-key.js');
        await setKey(open(command), {
          provider: checkProviderName(provider),
          stdin: options.stdin === true,
          validate: oneOf('--validate', options.validate, VALIDATION_MODES),
          storage:
            options.storage === undefined
              ? undefined
              : oneOf('--storage', options.storage, STORAGE_MODES),
        });
      },
    );

  config
    .command('get-key')
    .description("show a key's fingerprint (the key itself only with --reveal)")
    .argument('<provider>', 'provider name')
    .option('--reveal', 'print the key itself')
    .action(async (provider: string, options: { reveal?: boolean }, command: Command) => {
      const { getKey } = require('./get-key.js') as typeof import('./get-key.js');
      await getKey(open(command), {
        provider: checkProviderName(provider),
        reveal: options.reveal === true,
      });
    });

  config
    .command('rotate-key')
    .description(
      'replace a stored key with a new one (validated first; the old one is gone everywhere)',
    )
    .argument('<provider>', 'provider name')
    .option('--stdin', 'read the new key from standard input (one trailing newline is stripped)')
    .addOption(
      new Option('--validate <mode>', 'check before storing')
        .choices(VALIDATION_MODES)
        .default('format'),
    )
    .addOption(
      new Option(
        '--storage <kind>',
        'move the key to this store (default: it stays where it is)',
      ).choices(STORAGE_MODES),
    )
    .allowExcessArguments()
    .action(
      async (
        provider: string,
        options: { stdin?: boolean; validate: string; storage?: string },
        command: Command,
      ) => {
        refuseExtraArguments(provider, command.args.slice(1));
        const { rotateKey } = require('./rotate-key.js') as typeof import('./rotate-key.js');
        await rotateKey(open(command), {
          provider: checkProviderName(provider),
          stdin: options.stdin === true,
          validate: oneOf('--validate', options.validate, VALIDATION_MODES),
          storage:
            options.storage === undefined
              ? undefined
              : oneOf('--storage', options.storage, STORAGE_MODES),
        });
      },
    );

  config
    .command('delete-key')
    .description('delete a key from every backend that holds it')
    .argument('<provider>', 'provider name')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (provider: string, options: { yes?: boolean }, command: Command) => {
      const { deleteKey } = require('./delete-key.js') as typeof import('./delete-key.js');
      await deleteKey(open(command), {
        provider: checkProviderName(provider),
        yes: options.yes === true,
      });
    });

  config
    .command('list-keys')
    .description('list stored keys and environment overrides (fingerprints only)')
    .action(async (_options: unknown, command: Command) => {
      const { listKeys } = require('./list-keys.js') as typeof import('./list-keys.js');
      await listKeys(open(command));
    });

  config
    .command('change-password')
    .description(
      'change the master password of the encrypted key file (asks the current one, then the new one twice)',
    )
    .option(
      '--new-password-stdin',
      'read the new password from one line of standard input (for scripts; never as an argument)',
    )
    .action(async (options: { newPasswordStdin?: boolean }, command: Command) => {
      const { changePassword } =
        require('./change-password.js') as typeof import('./change-password.js');
      await changePassword(open(command), { newPasswordStdin: options.newPasswordStdin === true });
    });

  config
    .command('validate')
    .description('check config.yaml against the logging and security schemas')
    .action(async (_options: unknown, command: Command) => {
      const { validateConfig } = require('./validate.js') as typeof import('./validate.js');
      await validateConfig(open(command));
    });
}
