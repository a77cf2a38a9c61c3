/**
 * @module net/outbound-policy — the process-wide rules of every outbound request: whether private
 * addresses may be reached, the default total deadline, and the budget of download bytes in flight.
 * A process runs one gateway, which sets these from its configuration when it starts.
 */
import { ByteBudget } from "./byte-budget.js";

/** What every outbound request of this process obeys unless a call says otherwise. */
export interface OutboundPolicy {
  /** `SWITCHBOARD_ALLOW_PRIVATE_URLS`: loopback and private networks may be reached (tests, fakes). */
  allowPrivate: boolean;
  /** Total deadline of a download, from the first byte sent to the last byte received. */
  downloadDeadlineMs: number;
  /** Bytes of attachment downloads held in memory at once, across the process. */
  downloadBudget: ByteBudget;
}

const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;

let policy: OutboundPolicy = {
  allowPrivate: false,
  downloadDeadlineMs: 30_000,
  downloadBudget: new ByteBudget(DEFAULT_BUDGET_BYTES),
};

/** The policy in force. */
export function outboundPolicy(): OutboundPolicy {
  return policy;
}

/** Sets the process's policy (at gateway start, from core's configuration). */
export function configureOutbound(options: {
  allowPrivate: boolean;
  downloadDeadlineMs: number;
  downloadBudgetBytes: number;
}): void {
  const budget =
    policy.downloadBudget.limit === options.downloadBudgetBytes
      ? policy.downloadBudget
      : new ByteBudget(options.downloadBudgetBytes);
  policy = {
    allowPrivate: options.allowPrivate,
    downloadDeadlineMs: options.downloadDeadlineMs,
    downloadBudget: budget,
  };
}
