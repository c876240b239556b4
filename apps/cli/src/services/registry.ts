import { PolicyRegistry } from '@localagent/resilience';
import type { CliLogger } from './lazy-logger.js';
import { readBreakerState } from './breaker-state.js';

/**
 * A CLI run lasts seconds, so an in-memory breaker would never open: its state is restored from the
 * cache dir here and saved back by CliContext.close(). An unreadable state file is ignored (it is a cache).
 */
export function loadRegistry(statePath: string, logger: CliLogger): PolicyRegistry {
  const defaults = { logger };
  const saved = readBreakerState(statePath);
  if (saved === undefined) return new PolicyRegistry(defaults);
  try {
    return PolicyRegistry.fromJSON(
      saved as Parameters<typeof PolicyRegistry.fromJSON>[0],
      defaults,
    );
  } catch (error) {
    logger.warning('Ignoring unreadable circuit-breaker state', {
      path: statePath,
      error: error as Error,
    });
    return new PolicyRegistry(defaults);
  }
}
