/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` never loads winston, cockatiel or the key store. */
import type { Command } from 'commander';
import type { OpenContext } from '../../context.js';

/** `localagent unlock [--ttl 8h]` and `localagent lock`: the unlock agent of the key file. */
export function registerAgentCommands(program: Command, open: OpenContext): void {
  program
    .command('unlock')
    .description(
      'keep the key file unlocked for this user until the TTL ends, so headless runs need no master password',
    )
    .option('--ttl <duration>', 'how long: 90s, 30m, 8h, 1d, 1h30m (at most 7d)', '8h')
    .action(async (options: { ttl: string }, command: Command) => {
      const { unlock } = require('./unlock.js') as typeof import('./unlock.js');
      await unlock(open(command), { ttl: options.ttl });
    });

  program
    .command('lock')
    .description('forget the unlocked key now: the unlock agent wipes it and exits')
    .action(async (_options: unknown, command: Command) => {
      const { lock } = require('./lock.js') as typeof import('./lock.js');
      await lock(open(command));
    });
}
