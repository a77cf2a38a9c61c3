/**
 * @module queue/backoff — exponential backoff with jitter, shared by the send queue and the CRM outbox.
 */

/** Delay before retry number `attempt` (1-based): base·2^(attempt−1), capped, with ±50% jitter. */
export function backoffDelay(attempt: number, options: { baseMs: number; maxMs: number }): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  // Jitter spreads retries of many messages failing together (an outage) so they do not stampede.
  return Math.round(exp * (0.5 + Math.random() * 0.5));
}

/**
 * A message or CRM request expires by age only after this many failed attempts too, so that age
 * alone (a clock set forward between two runs) never turns pending work into errors.
 */
export const MIN_ATTEMPTS_BEFORE_EXPIRY = 3;
