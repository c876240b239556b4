/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` never loads winston, cockatiel or the key store. */
import type { Command } from 'commander';
import type { OpenContext } from '../../context.js';

/** `localagent errors explain <code>`. */
export function registerErrorsCommands(program: Command, open: OpenContext): void {
  const errors = program.command('errors').description('explain error codes');

  errors
    .command('explain')
    .description("print a code's catalog entry: class, category, meaning, what to do")
    .argument('<code>', 'an error code, e.g. LA_KEY_NOT_FOUND')
    .action(async (code: string, _options: unknown, command: Command) => {
      const { explainCode } = require('./explain.js') as typeof import('./explain.js');
      await explainCode(open(command), { code });
    });
}
