/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` never loads winston, cockatiel or the key store. */
import type { Command } from 'commander';
import type { OpenContext } from '../../context.js';

/** `localagent doctor`. */
export function registerDoctorCommand(program: Command, open: OpenContext): void {
  program
    .command('doctor')
    .description(
      'check backends, keyring reachability, file permissions, configuration and log destination',
    )
    .action(async (_options: unknown, command: Command) => {
      const { doctor } = require('./doctor.js') as typeof import('./doctor.js');
      await doctor(open(command));
    });
}
