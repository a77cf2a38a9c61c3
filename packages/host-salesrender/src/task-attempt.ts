/**
 * @module task-attempt — `__task.attempt` of every request to the CRM (§6.3): our retry
 * policy told in the PHP queue's terms, so the CRM sees real numbers instead of zeros.
 */
import type { CoreConfig } from "@switchboard/core";
import { fullBackoff, MIN_ATTEMPTS_BEFORE_EXPIRY } from "@switchboard/core/internal";

/** PHP's TaskAttempt as it travels: failed attempts so far, attempts in all, seconds between attempts. */
export interface TaskAttempt {
  number: number;
  limit: number;
  interval: number;
}

type RetryPolicy = Pick<CoreConfig, "outboxMaxAgeMs" | "retry">;

/**
 * `number` is the count of failed attempts before this one. `limit` is how many attempts fit in
 * the outbox's lifetime when every wait is its full backoff (jitter only shortens waits, so we
 * make at least that many). `interval` is the longest wait, in whole seconds, before the next
 * attempt should this one fail.
 */
export function taskAttempt(failedSoFar: number, policy: RetryPolicy): TaskAttempt {
  return {
    number: failedSoFar,
    limit: attemptLimit(policy),
    interval: Math.max(1, Math.ceil(fullBackoff(failedSoFar + 1, policy.retry) / 1000)),
  };
}

const limits = new Map<string, number>();

function attemptLimit(policy: RetryPolicy): number {
  const key = `${policy.outboxMaxAgeMs}:${policy.retry.baseMs}:${policy.retry.maxMs}`;
  const known = limits.get(key);
  if (known !== undefined) return known;
  // Doubling waits until the cap, then capped waits: counted in closed form past the cap, so a
  // tiny base and a long lifetime cost no loop of millions of steps.
  let attempts = 1;
  let elapsed = 0;
  while (fullBackoff(attempts, policy.retry) < policy.retry.maxMs) {
    const wait = fullBackoff(attempts, policy.retry);
    if (elapsed + wait > policy.outboxMaxAgeMs) break;
    elapsed += wait;
    attempts += 1;
  }
  if (fullBackoff(attempts, policy.retry) >= policy.retry.maxMs && elapsed <= policy.outboxMaxAgeMs) {
    attempts += Math.floor((policy.outboxMaxAgeMs - elapsed) / policy.retry.maxMs);
  }
  const limit = Math.max(attempts, MIN_ATTEMPTS_BEFORE_EXPIRY);
  limits.set(key, limit);
  return limit;
}
