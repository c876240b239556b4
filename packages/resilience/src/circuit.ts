import { AbortedError, LocalAgentError } from '@localagent/errors';
import { CircuitState as CockatielState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { ResolvedCircuitBreakerOptions } from './options.js';
import type { CircuitState } from './events.js';

/** A breaker's persisted state. `openedAt` is wall-clock epoch ms, so another process can restore it. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** When the circuit opened (open and half-open only). */
  openedAt?: number;
}

/** cockatiel's serialised breaker state (`toJSON()` / `initialState`), as 3.2 writes it. */
interface CockatielSaved {
  ownState: { value: CockatielState; openedAt?: number; attemptNo?: number };
  breakerState: number;
}

export interface CircuitHooks {
  onBreak(error: unknown): void;
  onHalfOpen(): void;
  onReset(): void;
}

/**
 * One provider's breaker: cockatiel's CircuitBreakerPolicy with a ConsecutiveBreaker, wrapped to fix
 * what it cannot express:
 * - the breaker sees one logical call (all its retries) as one result (cockatiel's `wrap(retry, breaker)`
 *   counts every attempt, cockatiel issue #85): the Policy runs its retry loop inside `execute`;
 * - an aborted half-open probe keeps the circuit open (cockatiel treats any unhandled error in the probe
 *   as "failed successfully" and closes the circuit, though an abort says nothing about the provider);
 * - `retryAfterMs` (time left until half-open) and `'half-open'` as soon as a probe is due.
 * cockatiel measures time with `Date.now()`, which is also what makes the persisted `openedAt` valid
 * in a later process.
 */
export class Circuit {
  readonly #breaker: CircuitBreakerPolicy;

  constructor(
    readonly options: ResolvedCircuitBreakerOptions,
    hooks: CircuitHooks,
    initial?: CircuitSnapshot,
  ) {
    const counts = (error: unknown): boolean =>
      LocalAgentError.isInstance(error) &&
      (options.isFailure(error) || (AbortedError.isInstance(error) && this.#breaker.state === CockatielState.HalfOpen));
    this.#breaker = circuitBreaker(handleWhen(counts), {
      breaker: new ConsecutiveBreaker(options.failureThreshold),
      halfOpenAfter: options.recoveryTimeoutMs,
      initialState: initial === undefined ? undefined : toCockatiel(initial),
    });
    this.#breaker.onBreak((reason) => hooks.onBreak('error' in reason ? reason.error : undefined));
    this.#breaker.onHalfOpen(() => hooks.onHalfOpen());
    this.#breaker.onReset(() => hooks.onReset());
  }

  get state(): CircuitState {
    switch (this.#breaker.state) {
      case CockatielState.Closed:
        return 'closed';
      case CockatielState.HalfOpen:
        return 'half-open';
      default:
        return this.retryAfterMs() > 0 ? 'open' : 'half-open';
    }
  }

  /** True when the circuit is open and its recovery time has passed: the next call is the probe. */
  isProbeDue(): boolean {
    return this.#breaker.state === CockatielState.Open && this.retryAfterMs() === 0;
  }

  /** True while calls must fail fast (open, recovery time not over). */
  isRejecting(): boolean {
    return this.#breaker.state === CockatielState.Open && this.retryAfterMs() > 0;
  }

  /** Time left until the circuit half-opens; 0 unless it is open. */
  retryAfterMs(): number {
    if (this.#breaker.state !== CockatielState.Open) return 0;
    const openedAt = Math.min(this.#saved().ownState.openedAt ?? 0, Date.now());
    return Math.max(0, openedAt + this.options.recoveryTimeoutMs - Date.now());
  }

  execute<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.#breaker.execute(fn, signal);
  }

  snapshot(): CircuitSnapshot {
    const saved = this.#saved();
    const consecutiveFailures = saved.breakerState;
    if (this.#breaker.state === CockatielState.HalfOpen) return { state: 'half-open', consecutiveFailures };
    if (saved.ownState.value === CockatielState.Open) {
      return { state: 'open', consecutiveFailures, openedAt: saved.ownState.openedAt ?? 0 };
    }
    return { state: 'closed', consecutiveFailures };
  }

  #saved(): CockatielSaved {
    return this.#breaker.toJSON() as CockatielSaved;
  }
}

function toCockatiel(snapshot: CircuitSnapshot): CockatielSaved {
  if (snapshot.state === 'closed') return { ownState: { value: CockatielState.Closed }, breakerState: snapshot.consecutiveFailures };
  // a probe in flight when the state was saved: due again at once (cockatiel saves it the same way)
  const openedAt = snapshot.state === 'half-open' ? 0 : Math.min(snapshot.openedAt ?? 0, Date.now());
  return { ownState: { value: CockatielState.Open, openedAt, attemptNo: 1 }, breakerState: snapshot.consecutiveFailures };
}
