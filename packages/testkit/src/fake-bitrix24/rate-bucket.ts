/**
 * @module fake-bitrix24/rate-bucket — Bitrix24's leaky bucket: every request adds one to a counter per
 * (portal, source IP); the counter drains by Y per second; a request that would take it over X is
 * refused with `503 QUERY_LIMIT_EXCEEDED` and does not count.
 */
import type { Clock } from "./clock.js";

/** X and Y of the bucket. */
export interface RateLimit {
  /** The counter's ceiling, X (50 on most plans, 250 on Enterprise). */
  burst: number;
  /** How much the counter drains each second, Y (2 on most plans, 5 on Enterprise). */
  perSecond: number;
}

/** The default plan's limits: X = 50, Y = 2/s. */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 50, perSecond: 2 };

/** Leaky buckets keyed by portal and source IP. */
export class RateBuckets {
  private readonly levels = new Map<string, { level: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    public limit: RateLimit = DEFAULT_RATE_LIMIT,
  ) {}

  /** Counts one request; false when it is over the limit (refused, not counted). */
  take(memberId: string, ip: string): boolean {
    const key = `${memberId}\u0000${ip}`;
    const now = this.clock();
    const entry = this.levels.get(key) ?? { level: 0, at: now };
    const level = Math.max(0, entry.level - ((now - entry.at) / 1000) * this.limit.perSecond);
    if (level + 1 > this.limit.burst) {
      this.levels.set(key, { level, at: now });
      return false;
    }
    this.levels.set(key, { level: level + 1, at: now });
    return true;
  }

  /** The current counter for a portal and IP (after draining). */
  level(memberId: string, ip: string): number {
    const entry = this.levels.get(`${memberId}\u0000${ip}`);
    if (!entry) return 0;
    return Math.max(0, entry.level - ((this.clock() - entry.at) / 1000) * this.limit.perSecond);
  }

  /** Empties every bucket. */
  reset(): void {
    this.levels.clear();
  }
}
