/**
 * Retry schedule of the webhook: exponential backoff with full jitter
 * (delay uniform in [0, min(cap, base * 2^(failures-1))) ), so a fleet of
 * servers that lost the same receiver does not retry in lockstep. Pure:
 * randomness is an input.
 */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest ceiling: a receiver that stays down is retried about every cap/2. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 60_000 };

/** The ceiling of the delay after `failures` (>= 1) consecutive failures. */
export function backoffCeilingMs(failures: number, policy: BackoffPolicy): number {
  // 2^52 already exceeds any sane cap; clamping keeps the arithmetic finite.
  const doublings = Math.min(Math.max(failures, 1) - 1, 52);
  return Math.min(policy.capMs, policy.baseMs * 2 ** doublings);
}

/** The delay before the next attempt; `random` returns values in [0, 1). */
export function backoffDelayMs(failures: number, random: () => number, policy: BackoffPolicy): number {
  return Math.floor(random() * backoffCeilingMs(failures, policy));
}

/**
 * A receiver's `Retry-After` (delta-seconds only; HTTP dates are ignored)
 * raises the delay, never above the cap, so a receiver can slow us down but
 * cannot park delivery for hours.
 */
export function withRetryAfter(delayMs: number, retryAfter: string | undefined, policy: BackoffPolicy): number {
  if (retryAfter === undefined || !/^\s*\d+\s*$/.test(retryAfter)) return delayMs;
  return Math.max(delayMs, Math.min(policy.capMs, Number(retryAfter) * 1000));
}
