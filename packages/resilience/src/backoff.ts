import { AbortedError, CircuitOpenError, type LocalAgentError } from '@localagent/errors';
import type { ResolvedRetryOptions } from './options.js';

/** Why a call stopped retrying. */
export type GiveUpReason =
  'not-retryable' | 'attempts-exhausted' | 'retry-after-too-long' | 'aborted';

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: GiveUpReason; delayMs: number };

/**
 * The nominal delay before retry `n` (1 = the first retry): `min(maxDelayMs, baseDelayMs * exponentialBase^(n-1))`,
 * and with jitter a uniform draw from [0, that] ("full jitter": spreads clients, averages half the nominal).
 */
export function backoffDelay(
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number,
): number {
  const nominal = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * options.exponentialBase ** (retry - 1),
  );
  return options.jitter ? Math.floor(random() * (nominal + 1)) : nominal;
}

/** The wait the server asked for (`RateLimitError.retryAfterMs`, from retry-after-ms / retry-after / RetryInfo). */
export function serverWaitMs(error: LocalAgentError): number | undefined {
  if (CircuitOpenError.isInstance(error)) return undefined;
  const wait = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : undefined;
}

/**
 * The one place that decides whether attempt `attempt` (1-based) is retried, and after how long.
 * A server's wait wins over the backoff; a wait longer than `maxDelayMs` fails the call at once,
 * so the caller learns from `retryAfterMs` when to come back instead of sleeping for minutes.
 */
export function decideRetry(
  error: LocalAgentError,
  attempt: number,
  maxAttempts: number,
  options: ResolvedRetryOptions,
  random: () => number,
): RetryDecision {
  if (AbortedError.isInstance(error)) return { retry: false, reason: 'aborted', delayMs: 0 };
  if (CircuitOpenError.isInstance(error) || !options.shouldRetry(error))
    return { retry: false, reason: 'not-retryable', delayMs: 0 };
  if (attempt >= maxAttempts) return { retry: false, reason: 'attempts-exhausted', delayMs: 0 };
  const serverWait = serverWaitMs(error);
  if (serverWait === undefined)
    return { retry: true, delayMs: backoffDelay(attempt, options, random) };
  if (serverWait > options.maxDelayMs)
    return { retry: false, reason: 'retry-after-too-long', delayMs: serverWait };
  return { retry: true, delayMs: serverWait };
}
