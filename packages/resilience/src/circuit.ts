import { AbortedError, LocalAgentError } from '@localagent/errors';
import {
  CircuitState as CockatielState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';
import type { ResolvedCircuitBreakerOptions } from './options.js';
import type { CircuitState } from './events.js';

/** A breaker's persisted state. `openedAt` is wall-clock epoch ms, so another process can restore it. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** When the circuit opened (epoch ms on the policy clock; open circuits only). */
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
 * - an injectable wall clock (cockatiel reads `Date.now()`): we keep `openedAt` on our clock and hand
 *   cockatiel a half-open "backoff" whose duration says "not yet" (+Infinity) or "now" (-Infinity);
 * - `retryAfterMs` (time left until half-open) and `'half-open'` as soon as a probe is due.
 */
export class Circuit {
  readonly #breaker: CircuitBreakerPolicy;
  readonly #now: () => number;
  /** When the circuit last opened, on our clock (epoch ms); persisted so a later process can restore it. */
  #openedAt = 0;

  constructor(
    readonly options: ResolvedCircuitBreakerOptions,
    hooks: CircuitHooks,
    now: () => number,
    initial?: CircuitSnapshot,
  ) {
    this.#now = now;
    const counts = (error: unknown): boolean =>
      LocalAgentError.isInstance(error) &&
      (options.isFailure(error) || (AbortedError.isInstance(error) && this.#breaker.state === CockatielState.HalfOpen));
    // cockatiel half-opens once `Date.now() - itsOpenedAt >= duration`: ±Infinity makes our clock decide
    const due = (): boolean => this.retryAfterMs() === 0;
    const halfOpenWhenDue: IBackoff<IHalfOpenAfterBackoffContext> = {
      get duration() {
        return due() ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      },
      next: () => halfOpenWhenDue,
    };
    if (initial !== undefined && initial.state !== 'closed') {
      // a probe in flight when the state was saved is due again at once (cockatiel saves it the same way)
      this.#openedAt = initial.state === 'half-open' ? 0 : Math.min(initial.openedAt ?? 0, now());
    }
    this.#breaker = circuitBreaker(handleWhen(counts), {
      breaker: new ConsecutiveBreaker(options.failureThreshold),
      halfOpenAfter: halfOpenWhenDue,
      initialState: initial === undefined ? undefined : toCockatiel(initial, this.#openedAt),
    });
    this.#breaker.onBreak((reason) => {
      this.#openedAt = this.#now();
      hooks.onBreak('error' in reason ? reason.error : undefined);
    });
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

  /** Time left until the circuit half-opens; 0 unless it is open. An `openedAt` in the future counts as now. */
  retryAfterMs(): number {
    if (this.#breaker.state !== CockatielState.Open) return 0;
    const now = this.#now();
    return Math.max(0, Math.min(this.#openedAt, now) + this.options.recoveryTimeoutMs - now);
  }

  execute<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.#breaker.execute(fn, signal);
  }

  snapshot(): CircuitSnapshot {
    const consecutiveFailures = (this.#breaker.toJSON() as CockatielSaved).breakerState;
    switch (this.#breaker.state) {
      case CockatielState.HalfOpen:
        return { state: 'half-open', consecutiveFailures };
      case CockatielState.Open:
        return { state: 'open', consecutiveFailures, openedAt: this.#openedAt };
      default:
        return { state: 'closed', consecutiveFailures };
    }
  }
}

function toCockatiel(snapshot: CircuitSnapshot, openedAt: number): CockatielSaved {
  if (snapshot.state === 'closed') return { ownState: { value: CockatielState.Closed }, breakerState: snapshot.consecutiveFailures };
  // cockatiel's own openedAt no longer matters: the half-open backoff above consults our clock
  return { ownState: { value: CockatielState.Open, openedAt, attemptNo: 1 }, breakerState: snapshot.consecutiveFailures };
}
