/**
 * @module worker/backoff — exponential backoff with jitter, shared by the send queue and the CRM outbox.
 */
import { ChannelRefusedError, CrmRefusedError } from "../errors.js";

/** The longest delay before retry number `attempt` (1-based): base·2^(attempt−1), capped. */
export function fullBackoff(attempt: number, options: { baseMs: number; maxMs: number }): number {
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Delay before retry number `attempt` (1-based): {@link fullBackoff} jittered down to 50–100% of it (never above the cap). */
export function backoffDelay(attempt: number, options: { baseMs: number; maxMs: number }): number {
  // Jitter spreads retries of many messages failing together (an outage) so they do not stampede.
  return Math.round(fullBackoff(attempt, options) * (0.5 + Math.random() * 0.5));
}

/** Delay before retrying after `error`: the channel's or CRM's own retry-after when it gave one, else {@link backoffDelay}. */
export function retryDelay(error: unknown, attempt: number, options: { baseMs: number; maxMs: number }): number {
  const retryAfter =
    error instanceof ChannelRefusedError || error instanceof CrmRefusedError ? error.retryAfterMs : undefined;
  return retryAfter ?? backoffDelay(attempt, options);
}

/**
 * A message or CRM request expires by age only after this many failed attempts too, so that age
 * alone (a clock set forward between two runs) never turns pending work into errors.
 */
export const MIN_ATTEMPTS_BEFORE_EXPIRY = 3;

/** Backoff of a worker (the send queue, the CRM outbox) while the database refuses its claims. */
export const WORKER_RETRY = { baseMs: 100, maxMs: 5000 };
