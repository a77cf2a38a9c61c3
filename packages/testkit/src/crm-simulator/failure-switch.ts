/**
 * @module crm-simulator/failure-switch — the outage the CRM is currently simulating, if any.
 */
import type { FailureMode } from "./types.js";

/** Holds the active failure mode and counts down `times`. */
export class FailureSwitch {
  private mode: FailureMode | undefined;
  private remaining = Infinity;

  /** Starts failing as described (replaces any previous mode). */
  set(mode: FailureMode): void {
    if (mode.times !== undefined && (!Number.isInteger(mode.times) || mode.times < 1)) {
      throw new Error("fail({times}) must be a positive integer");
    }
    this.mode = mode;
    this.remaining = mode.times ?? Infinity;
  }

  /** Stops failing. */
  clear(): void {
    this.mode = undefined;
  }

  /** The failure to apply to one request to `endpoint` (consumes one of `times`), or undefined. */
  take(endpoint: "incoming" | "status"): Pick<FailureMode, "status" | "delayMs"> | undefined {
    const mode = this.mode;
    if (!mode || (mode.only && mode.only !== endpoint)) return undefined;
    if (--this.remaining <= 0) this.mode = undefined;
    return { status: mode.status, delayMs: mode.delayMs };
  }
}
