/**
 * @module fake-bitrix24/operating — the per-method CPU-time limit: execution time is summed per
 * (portal, method) in one-minute baskets that each count for ten minutes; once the sum is over the
 * limit the next call of that method gets `429 OPERATION_TIME_LIMIT` until baskets expire. The fake's
 * methods cost nothing unless a test gives them a cost (`setCost`).
 */
import type { Clock } from "./clock.js";

const BASKET_MS = 60_000;
const WINDOW_MS = 600_000;

interface Basket {
  start: number;
  seconds: number;
}

/** What the `time` object reports for one method. */
export interface OperatingReport {
  /** Accumulated seconds in the live baskets. */
  operating: number;
  /** Unix seconds when the oldest basket stops counting. */
  operatingResetAt: number;
}

/** The operating accumulators of every portal and method. */
export class OperatingLimits {
  private readonly baskets = new Map<string, Basket[]>();
  private readonly costs = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    /** The limit in seconds (Bitrix24's self-hosted default is 420; the cloud sets its own). */
    public limitSeconds = 480,
  ) {}

  /** Makes every call of `method` cost `seconds` of operating time. */
  setCost(method: string, seconds: number): void {
    this.costs.set(method.toLowerCase(), seconds);
  }

  /** Whether the method is blocked for the portal right now. */
  blocked(memberId: string, method: string): boolean {
    return this.report(memberId, method).operating > this.limitSeconds;
  }

  /** Adds one call's cost and returns the report after it. */
  charge(memberId: string, method: string): OperatingReport {
    const cost = this.costs.get(method.toLowerCase()) ?? 0;
    const now = this.clock();
    const list = this.live(memberId, method);
    const last = list.at(-1);
    if (last && now - last.start < BASKET_MS) last.seconds += cost;
    else list.push({ start: now, seconds: cost });
    return this.report(memberId, method);
  }

  /** The current accumulated time and reset moment. */
  report(memberId: string, method: string): OperatingReport {
    const list = this.live(memberId, method);
    const operating = list.reduce((sum, b) => sum + b.seconds, 0);
    const oldest = list[0]?.start ?? this.clock();
    return { operating, operatingResetAt: Math.floor((oldest + WINDOW_MS) / 1000) };
  }

  private live(memberId: string, method: string): Basket[] {
    const key = `${memberId}\u0000${method.toLowerCase()}`;
    const now = this.clock();
    const list = (this.baskets.get(key) ?? []).filter((b) => now - b.start < WINDOW_MS);
    this.baskets.set(key, list);
    return list;
  }
}
