import type { LocalAgentError } from '@localagent/errors';
import type { GiveUpReason } from './backoff.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export type PolicyEventName =
  'retry' | 'giveUp' | 'break' | 'halfOpen' | 'reset' | 'success' | 'failure';

/**
 * What every event carries. `attempt` is the attempt that just ran (for `retry`: the one about to run);
 * `delayMs` is the wait before it (for `break`: until half-open; for `giveUp` after a too-long
 * retry-after: the wait the server asked for; otherwise 0); `error` is the classified error, if any.
 */
export interface PolicyEvent {
  type: PolicyEventName;
  provider: string;
  attempt: number;
  delayMs: number;
  error: LocalAgentError | undefined;
  /** Attempt duration, for `success` and `failure`. */
  durationMs?: number;
  /** For `giveUp`. */
  reason?: GiveUpReason;
}

export type PolicyListener = (event: PolicyEvent) => void;

/** A minimal emitter; a throwing listener is reported to `onListenerError` and never breaks the call. */
export class PolicyEvents {
  readonly #listeners = new Map<PolicyEventName, Set<PolicyListener>>();

  constructor(private readonly onListenerError: (error: unknown, event: PolicyEvent) => void) {}

  on(name: PolicyEventName, listener: PolicyListener): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  has(name: PolicyEventName): boolean {
    const set = this.#listeners.get(name);
    return set !== undefined && set.size > 0;
  }

  emit(event: PolicyEvent): void {
    const set = this.#listeners.get(event.type);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
