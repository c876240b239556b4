import type { CliContext } from '../../context.js';

/** `localagent lock`: the unlock agent wipes the key and exits; says whether one was running. */
export async function lock(ctx: CliContext): Promise<void> {
  const manager = await ctx.keyManager();
  const wasRunning = await manager.lock();
  ctx.output.result(
    wasRunning
      ? 'Locked: the unlock agent wiped the key and exited.'
      : 'Nothing to lock: no unlock agent was running.',
    { locked: true, wasRunning },
  );
}
