import { AbortedError, LocalAgentError } from '@localagent/errors';
import type { CircuitState } from './events.js';
import type { ResolvedCircuitBreakerOptions } from './options.js';
import { abortReason } from './sleep.js';

/**
 * A breaker's state as a plain, serialisable object: what `PolicyRegistry.toJSON()` saves per provider.
 * `openedAt` is wall-clock epoch ms, so another process can restore it.
 */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** When the circuit opened (epoch ms on the policy clock; open circuits only). */
  openedAt?: number;
}

/** The state the Circuit runs on; `half-open` means this process has a probe in flight. */
type CircuitRecord =
  | { state: 'closed' | 'half-open'; consecutiveFailures: number }
  | { state: 'open'; consecutiveFailures: number; openedAt: number };

export interface CircuitHooks {
  onBreak(error: unknown): void;
  onHalfOpen(): void;
  onReset(): void;
}

/** How `Circuit.execute` rejects a call the open circuit refused; the Policy turns it into a CircuitOpenError. */
export class CircuitRejection extends Error {
  constructor() {
    super('The circuit is open');
  }
}

const ignore = (): void => undefined;

/**
 * One provider's circuit breaker. Ours rather than cockatiel's CircuitBreakerPolicy, which needed a
 * hack for each of: one logical call (all its retries) counting as one result (cockatiel #85), an
 * aborted probe keeping the circuit open, our injectable clock (it reads `Date.now()`), and restoring
 * state saved by another process (its private `toJSON()` format).
 *
 * closed → `failureThreshold` consecutive failed calls → open → `recoveryTimeoutMs` later (our clock)
 * the next call is the single probe (half-open); calls arriving meanwhile wait for its outcome → probe
 * succeeds, or fails with an error that does not count (the provider answered): closed; probe fails
 * or is aborted: open again for another `recoveryTimeoutMs`.
 */
export class Circuit {
  readonly #options: ResolvedCircuitBreakerOptions;
  readonly #hooks: CircuitHooks;
  readonly #now: () => number;
  #record: CircuitRecord;
  /** Settles when the probe in flight ends (half-open only). */
  #probeSettled: Promise<void> = Promise.resolve();

  constructor(
    options: ResolvedCircuitBreakerOptions,
    hooks: CircuitHooks,
    now: () => number,
    initial?: CircuitSnapshot,
  ) {
    this.#options = options;
    this.#hooks = hooks;
    this.#now = now;
    this.#record = restore(initial, now);
  }

  get state(): CircuitState {
    const state = this.#record.state;
    return state === 'open' && this.retryAfterMs() === 0 ? 'half-open' : state;
  }

  /** True while calls must fail fast (open, recovery time not over). */
  isRejecting(): boolean {
    return this.#record.state === 'open' && this.retryAfterMs() > 0;
  }

  /** Time left until the circuit half-opens; 0 unless it is open. An `openedAt` in the future counts as now. */
  retryAfterMs(): number {
    const record = this.#record;
    if (record.state !== 'open') return 0;
    const now = this.#now();
    return Math.max(0, Math.min(record.openedAt, now) + this.#options.recoveryTimeoutMs - now);
  }

  /**
   * Runs `run` (one logical call: `isProbe` says it is the half-open probe) if the circuit lets it
   * through, and counts its result. Rejects with `run`'s error, a CircuitRejection while open, or the
   * signal's reason when the caller aborted while waiting for a probe that then closed the circuit.
   */
  execute<T>(run: (isProbe: boolean) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    switch (this.#record.state) {
      case 'closed':
        return run(false).then(this.#succeeded, this.#failed);
      case 'half-open':
        return this.#afterProbe(this.#probeSettled, run, signal);
      default:
        return this.retryAfterMs() > 0 ? Promise.reject(new CircuitRejection()) : this.#probe(run);
    }
  }

  snapshot(): CircuitSnapshot {
    return { ...this.#record };
  }

  // Results of calls let through while closed count only if the circuit is still closed when they
  // end: once it opened, a late success must not close it and a late failure must not reopen it.
  readonly #succeeded = <T>(value: T): T => {
    if (this.#record.state === 'closed') this.#record.consecutiveFailures = 0;
    return value;
  };

  readonly #failed = (error: unknown): never => {
    const record = this.#record;
    if (record.state === 'closed' && this.#counts(error)) {
      record.consecutiveFailures++;
      if (record.consecutiveFailures >= this.#options.failureThreshold) this.#open(error);
    }
    throw error;
  };

  #probe<T>(run: (isProbe: boolean) => Promise<T>): Promise<T> {
    this.#record = { state: 'half-open', consecutiveFailures: this.#record.consecutiveFailures };
    this.#hooks.onHalfOpen();
    const probe = run(true).then(
      (value) => {
        this.#close();
        return value;
      },
      (error: unknown) => {
        // an abort says nothing about the provider, but it is no proof of health either
        if (this.#counts(error) || AbortedError.isInstance(error)) {
          this.#record.consecutiveFailures++;
          this.#open(error);
        } else {
          this.#close();
        }
        throw error;
      },
    );
    this.#probeSettled = probe.then(ignore, ignore);
    return probe;
  }

  async #afterProbe<T>(
    probeSettled: Promise<void>,
    run: (isProbe: boolean) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    await probeSettled;
    // a caller that aborted meanwhile is not run: it gets the abort if the probe closed the circuit
    if (signal?.aborted === true)
      throw this.#record.state === 'closed' ? abortReason(signal) : new CircuitRejection();
    return this.execute(run, signal);
  }

  #counts(error: unknown): boolean {
    return LocalAgentError.isInstance(error) && this.#options.isFailure(error);
  }

  #open(error: unknown): void {
    this.#record = {
      state: 'open',
      consecutiveFailures: this.#record.consecutiveFailures,
      openedAt: this.#now(),
    };
    this.#hooks.onBreak(error);
  }

  #close(): void {
    this.#record = { state: 'closed', consecutiveFailures: 0 };
    this.#hooks.onReset();
  }
}

function restore(snapshot: CircuitSnapshot | undefined, now: () => number): CircuitRecord {
  const consecutiveFailures = snapshot?.consecutiveFailures ?? 0;
  if (snapshot === undefined || snapshot.state === 'closed')
    return { state: 'closed', consecutiveFailures };
  // a probe in flight when the state was saved is due again at once; a future openedAt (clock skew) counts as now
  const openedAt = snapshot.state === 'half-open' ? 0 : Math.min(snapshot.openedAt ?? 0, now());
  return { state: 'open', consecutiveFailures, openedAt };
}
