/* eslint-disable @typescript-eslint/no-require-imports -- each command's implementation is required only when it runs: esbuild keeps a required module unevaluated until then, so `--help` never loads winston, cockatiel or the key store. */
import type { Command } from 'commander';
import type { OpenContext } from '../../context.js';

/** `localagent audit …`: verify, show. */
export function registerAuditCommands(program: Command, open: OpenContext): void {
  const audit = program.command('audit').description('verify and show the audit log');

  audit
    .command('verify')
    .description(
      "check the audit log's hash chain (exit 6 when a line was edited, removed or reordered)",
    )
    .action(async (_options: unknown, command: Command) => {
      const { verifyAudit } = require('./verify.js') as typeof import('./verify.js');
      await verifyAudit(open(command));
    });

  audit
    .command('show')
    .description('print audit entries')
    .option('--tail <n>', 'only the last N entries')
    .action(async (options: { tail?: string }, command: Command) => {
      const { showAudit } = require('./show.js') as typeof import('./show.js');
      await showAudit(open(command), { tail: options.tail });
    });
}
