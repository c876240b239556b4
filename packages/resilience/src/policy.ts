import {
  AbortedError,
  CircuitOpenError,
  LocalAgentError,
  TimeoutError,
  classifyError,
} from '@localagent/errors';
import { AttemptScope } from './attempt-scope.js';
import { decideRetry, type RetryDecision } from './backoff.js';
import { Circuit, CircuitRejection, type CircuitSnapshot } from './circuit.js';
import {
  PolicyEvents,
  type CircuitState,
  type PolicyEvent,
  type PolicyEventName,
  type PolicyListener,
} from './events.js';
import { instruments } from './metrics.js';
import {
  checkTimeout,
  mergePolicyOptions,
  resolveCircuitBreakerOptions,
  resolveRetryOptions,
  type PolicyOptions,
  type ResilienceLogger,
  type ResolvedRetryOptions,
} from './options.js';
import { NEVER_ABORTED, abortReason, sleep as defaultSleep } from './sleep.js';

export interface AttemptContext {
  /** 1 for the first call of `fn`. */
  attempt: number;
  /** Aborts when the caller aborts or this attempt's timeout fires. */
  signal: AbortSignal;
}

export interface ExecuteOptions {
  signal?: AbortSignal | undefined;
}

export interface Policy {
  /** The provider name used in errors, events, logs and metrics (`default` when none was given). */
  readonly provider: string;
  readonly circuitState: CircuitState;
  /**
   * Runs `fn` with retries, inside the provider's circuit breaker. Rejects with a LocalAgentError: the last
   * attempt's error as `classifyError` returns it, `CircuitOpenError` while the circuit is open, or
   * `AbortedError` when `signal` aborts.
   */
  execute<T>(fn: (context: AttemptContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  on(event: PolicyEventName, listener: PolicyListener): () => void;
}

/** Per-call tweaks used inside the package (a fetch body that cannot be replayed gets one attempt). */
export interface InternalExecuteOptions extends ExecuteOptions {
  maxAttempts?: number | undefined;
}

const DEFAULT_PROVIDER = 'default';
type Fields = Record<string, unknown>;

/** Shared by policies derived from one another (one provider): the breaker and the listeners. */
interface SharedState {
  circuit: Circuit | undefined;
  events: PolicyEvents;
  /** The attempt at which each failed call gave up, so the breaker's `break` event can report it. */
  lastAttempt: WeakMap<object, number>;
  /** The logger of the policy that owns the breaker (circuit changes are logged once, there). */
  logger: ResilienceLogger | undefined;
}

export class ResiliencePolicy implements Policy {
  readonly provider: string;
  readonly #options: PolicyOptions;
  readonly #retry: ResolvedRetryOptions;
  readonly #timeoutMs: number | undefined;
  readonly #logger: ResilienceLogger | undefined;
  readonly #sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #shared: SharedState;

  constructor(options: PolicyOptions = {}, shared?: SharedState, initial?: CircuitSnapshot) {
    this.#options = options;
    this.provider = options.provider ?? DEFAULT_PROVIDER;
    this.#retry = resolveRetryOptions(options.retry);
    checkTimeout(options.timeoutMs);
    this.#timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#shared = shared ?? this.#createShared(options, initial);
  }

  /** @internal */
  get maxAttempts(): number {
    return this.#retry.maxAttempts;
  }

  /** @internal the injected wall clock. */
  get now(): () => number {
    return this.#now;
  }

  get circuitState(): CircuitState {
    return this.#shared.circuit?.state ?? 'closed';
  }

  on(event: PolicyEventName, listener: PolicyListener): () => void {
    return this.#shared.events.on(event, listener);
  }

  /** A policy with other retry/timeout/logger options that shares this one's breaker and listeners. */
  derive(overrides: Omit<PolicyOptions, 'circuitBreaker' | 'provider'>): ResiliencePolicy {
    return new ResiliencePolicy(
      mergePolicyOptions(this.#options, overrides, { provider: this.provider }),
      this.#shared,
    );
  }

  /** @internal the breaker state to persist, if this policy has a breaker. */
  snapshot(): CircuitSnapshot | undefined {
    return this.#shared.circuit?.snapshot();
  }

  /** @internal the error calls get right now if the circuit is open, else undefined. */
  openCircuitError(): CircuitOpenError | undefined {
    const circuit = this.#shared.circuit;
    return circuit?.isRejecting() === true ? this.#circuitOpen(circuit) : undefined;
  }

  execute<T>(
    fn: (context: AttemptContext) => Promise<T>,
    options: InternalExecuteOptions = {},
  ): Promise<T> {
    const signal = options.signal;
    const maxAttempts = Math.min(
      options.maxAttempts ?? this.#retry.maxAttempts,
      this.#retry.maxAttempts,
    );
    const circuit = this.#shared.circuit;
    if (circuit === undefined) return this.#run(fn, signal, maxAttempts);
    if (circuit.isRejecting()) return Promise.reject(this.#circuitOpen(circuit));
    // The half-open probe is a single attempt: a recovering provider gets one request, not a retry burst.
    return circuit
      .execute((isProbe) => this.#run(fn, signal, isProbe ? 1 : maxAttempts), signal)
      .catch((error: unknown) => {
        if (error instanceof CircuitRejection) throw this.#circuitOpen(circuit);
        // the circuit's own rejection (a caller aborted while waiting for the half-open probe) gets classified too
        throw LocalAgentError.isInstance(error) ? error : this.#classify(error, signal);
      });
  }

  async #run<T>(
    fn: (context: AttemptContext) => Promise<T>,
    signal: AbortSignal | undefined,
    maxAttempts: number,
  ): Promise<T> {
    const events = this.#shared.events;
    const meter = instruments();
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        if (signal?.aborted === true) throw abortReason(signal);
        const value = await this.#attempt(fn, attempt, signal);
        const durationMs = performance.now() - started;
        meter.attemptDuration.record(durationMs, { provider: this.provider, outcome: 'success' });
        if (events.has('success'))
          events.emit({
            type: 'success',
            provider: this.provider,
            attempt,
            delayMs: 0,
            error: undefined,
            durationMs,
          });
        return value;
      } catch (raw) {
        const error = this.#classify(raw, signal);
        const durationMs = performance.now() - started;
        meter.attemptDuration.record(durationMs, {
          provider: this.provider,
          outcome: 'failure',
          'error.code': error.code,
        });
        // a caller's signal that fired (its AbortSignal.timeout() ran out) ends the call whatever the error
        const decision: RetryDecision =
          signal?.aborted === true
            ? { retry: false, reason: 'aborted', delayMs: 0 }
            : decideRetry(error, attempt, maxAttempts, this.#retry, this.#random);
        events.emit({
          type: 'failure',
          provider: this.provider,
          attempt,
          delayMs: decision.delayMs,
          error,
          durationMs,
        });
        if (!decision.retry) throw this.#giveUp(error, attempt, decision.reason, decision.delayMs);
        meter.retries.add(1, { provider: this.provider, 'error.code': error.code });
        const fields = {
          provider: this.provider,
          attempt: attempt + 1,
          delayMs: decision.delayMs,
          code: error.code,
        };
        this.#logger?.warning(
          `${this.provider} call failed (${error.code}); retrying in ${decision.delayMs} ms`,
          fields,
        );
        events.emit({
          type: 'retry',
          provider: this.provider,
          attempt: attempt + 1,
          delayMs: decision.delayMs,
          error,
        });
        try {
          await this.#sleep(decision.delayMs, signal);
          if (signal?.aborted === true) throw abortReason(signal);
        } catch (reason) {
          const stopped = this.#classify(reason, signal);
          throw this.#giveUp(
            stopped,
            attempt,
            AbortedError.isInstance(stopped) ? 'aborted' : 'not-retryable',
            0,
          );
        }
      }
    }
  }

  /**
   * One call of `fn` with a signal of its own (linked to the caller's, armed with the timeout).
   * Whatever `fn` does once its timeout fired (rejects with the signal's reason, an SDK's abort
   * error, or nothing at all), the attempt fails with a retryable TimeoutError.
   */
  #attempt<T>(
    fn: (context: AttemptContext) => Promise<T>,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const scope = new AttemptScope(signal, this.#timeoutMs);
    // without a caller's signal or a timeout there is nothing to release (the hot path stays one call)
    if (signal === undefined && this.#timeoutMs === undefined) return fn(scope.context(attempt));
    return this.#scoped(fn, attempt, scope, signal);
  }

  async #scoped<T>(
    fn: (context: AttemptContext) => Promise<T>,
    attempt: number,
    scope: AttemptScope,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    let succeeded = false;
    try {
      const value = await scope.run(fn(scope.context(attempt)));
      succeeded = true;
      return value;
    } catch (error) {
      if (scope.timedOut && signal?.aborted !== true) {
        throw new TimeoutError({
          message: `${this.provider} did not answer within ${this.#timeoutMs} ms`,
          provider: this.provider,
          details: { timeoutMs: this.#timeoutMs },
          cause: error,
        });
      }
      throw error;
    } finally {
      scope.release(succeeded);
    }
  }

  #classify(raw: unknown, signal: AbortSignal | undefined): LocalAgentError {
    if (signal?.aborted === true && !AbortedError.isInstance(raw)) {
      const reason: unknown = signal.reason;
      // the caller's AbortSignal.timeout() ran out: a deadline, not a decision to cancel
      if (
        typeof reason === 'object' &&
        reason !== null &&
        (reason as { name?: unknown }).name === 'TimeoutError' &&
        !TimeoutError.isInstance(raw)
      ) {
        return new TimeoutError({
          message: `${this.provider} did not finish before the caller's deadline`,
          provider: this.provider,
          cause: raw === undefined ? reason : raw,
        });
      }
      // whatever `fn` threw once the caller aborted (an AbortError, an SDK's wrapper), it is the abort
      return new AbortedError({
        message: `The ${this.provider} call was aborted`,
        cause: raw === undefined ? abortReason(signal) : raw,
      });
    }
    // the caller's signal (live here): an abort the caller did not make is the SDK's own timer
    const context = {
      signal: signal ?? NEVER_ABORTED,
      ...(this.#options.provider === undefined ? {} : { provider: this.#options.provider }),
    };
    return classifyError(raw, context);
  }

  #giveUp(
    error: LocalAgentError,
    attempt: number,
    reason: NonNullable<PolicyEvent['reason']>,
    delayMs: number,
  ): LocalAgentError {
    this.#shared.lastAttempt.set(error, attempt);
    instruments().giveUps.add(1, { provider: this.provider, 'error.code': error.code, reason });
    if (reason !== 'aborted') {
      this.#logger?.warning(
        `${this.provider} call failed after ${attempt} attempt(s) (${error.code}, ${reason})`,
        {
          provider: this.provider,
          attempt,
          delayMs,
          code: error.code,
          reason,
        },
      );
    }
    this.#shared.events.emit({
      type: 'giveUp',
      provider: this.provider,
      attempt,
      delayMs,
      error,
      reason,
    });
    return error;
  }

  #circuitOpen(circuit: Circuit): CircuitOpenError {
    const retryAfterMs = circuit.retryAfterMs();
    this.#logger?.debug(`${this.provider} circuit is open; failing fast`, {
      provider: this.provider,
      attempt: 0,
      delayMs: retryAfterMs,
      code: 'LA_CIRCUIT_OPEN',
    });
    return new CircuitOpenError({ provider: this.provider, retryAfterMs });
  }

  #createShared(options: PolicyOptions, initial: CircuitSnapshot | undefined): SharedState {
    const provider = this.provider;
    const shared: SharedState = {
      circuit: undefined,
      lastAttempt: new WeakMap(),
      logger: options.logger,
      events: new PolicyEvents((error, event) => {
        shared.logger?.error(`a resilience '${event.type}' listener threw`, {
          provider,
          error: String(error),
        });
      }),
    };
    const breakerOptions = resolveCircuitBreakerOptions(options.circuitBreaker);
    if (breakerOptions === undefined) return shared;
    let lastError: LocalAgentError | undefined;
    const changed = (
      state: CircuitState,
      message: string,
      level: 'error' | 'info',
      event: PolicyEvent,
    ): void => {
      instruments().circuitStateChanges.add(1, { provider, state });
      const fields: Fields = {
        provider,
        attempt: event.attempt,
        delayMs: event.delayMs,
        code: event.error?.code,
        state,
      };
      shared.logger?.[level](message, fields);
      shared.events.emit(event);
    };
    shared.circuit = new Circuit(
      breakerOptions,
      {
        onBreak: (reason) => {
          lastError = LocalAgentError.isInstance(reason) ? reason : undefined;
          const attempt = lastError === undefined ? 0 : (shared.lastAttempt.get(lastError) ?? 1);
          const delayMs = breakerOptions.recoveryTimeoutMs;
          changed(
            'open',
            `${provider} circuit opened after repeated failures; pausing calls for ${delayMs} ms`,
            'error',
            {
              type: 'break',
              provider,
              attempt,
              delayMs,
              error: lastError,
            },
          );
        },
        onHalfOpen: () =>
          changed('half-open', `${provider} circuit half-open; probing with one call`, 'info', {
            type: 'halfOpen',
            provider,
            attempt: 1,
            delayMs: 0,
            error: lastError,
          }),
        onReset: () => {
          lastError = undefined;
          changed('closed', `${provider} circuit closed`, 'info', {
            type: 'reset',
            provider,
            attempt: 1,
            delayMs: 0,
            error: undefined,
          });
        },
      },
      this.#now,
      initial,
    );
    return shared;
  }
}

/** A retry + circuit-breaker + timeout policy for one provider. */
export function createPolicy(options?: PolicyOptions): Policy {
  return new ResiliencePolicy(options);
}
