/**
 * @module queue/rate-limiter — in-memory token buckets for a gateway's declared rate limits.
 */
import type { RateLimitRule } from "../gateway/types.js";

/** A token bucket per key: `perSecond` sustained, `burst` at once; `now` is a monotonic time in ms. */
export class RateLimiter {
  private readonly buckets = new Map<
    string,
    { tokens: number; updatedAt: number; heldUntil: number; emptiedAt: number }
  >();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /**
   * When `key` may send next, in whole milliseconds (`now` when it may send now); does not take a
   * token. While the bucket holds rows back, each answer is no earlier than the one before and a
   * fresh token does not let a newer row past them, so held rows keep their order (a chat's
   * messages stay in order). Rounding each row's own wait instead let a later row get an earlier
   * due time.
   */
  readyAt(key: string, now: number, emptyAt = -Infinity): number {
    const bucket = this.refill(key, now, emptyAt);
    if (bucket.tokens >= 1 && now >= bucket.heldUntil) return now;
    const refilled = bucket.tokens >= 1 ? now : now + ((1 - bucket.tokens) / this.perSecond) * 1000;
    bucket.heldUntil = Math.max(bucket.heldUntil, Math.ceil(refilled));
    return bucket.heldUntil;
  }

  /** Takes one token for `key` (call only after `readyAt` returned `now`). */
  take(key: string, now: number, emptyAt = -Infinity): void {
    this.refill(key, now, emptyAt).tokens -= 1;
  }

  /** `emptyAt`: the bucket was empty at that time (a handover: see {@link RateLimits.startEmpty}). */
  private refill(key: string, now: number, emptyAt: number) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.sweep(now);
      bucket = { tokens: this.burst, updatedAt: now, heldUntil: -Infinity, emptiedAt: -Infinity };
      this.buckets.set(key, bucket);
    }
    if (bucket.emptiedAt < emptyAt && emptyAt <= now) {
      bucket.emptiedAt = emptyAt;
      bucket.tokens = 0;
      bucket.updatedAt = emptyAt;
    }
    // Never negative: a clock that went backwards must not drain the bucket (it would stall the key),
    // nor keep rows held until a time from before the step.
    if (now < bucket.updatedAt) bucket.heldUntil = -Infinity;
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  // Buckets that refilled completely carry no information; dropping them bounds memory by active chats.
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (now >= b.heldUntil && b.tokens + ((now - b.updatedAt) / 1000) * this.perSecond >= this.burst) {
        this.buckets.delete(key);
      }
    }
  }
}

/** A gateway's declared rate limits, each kept per tenant or per contact of a tenant. */
export class RateLimits {
  private readonly limits: Array<{ scope: RateLimitRule["scope"]; limiter: RateLimiter }>;
  private readonly emptyAt = new Map<string, number>();

  constructor(rules: readonly RateLimitRule[]) {
    this.limits = rules.map((rule) => ({
      scope: rule.scope,
      limiter: new RateLimiter(rule.perSecond, rule.burst ?? 1),
    }));
  }

  /**
   * `now` when every limit lets a send to `contact` go now (a token is then taken from each);
   * otherwise the time they will, by {@link RateLimiter.readyAt}, with no token taken.
   */
  admit(tenantKey: string, contact: string, now: number): number {
    const keys = this.limits.map(({ scope }) => (scope === "tenant" ? tenantKey : `${tenantKey} ${contact}`));
    const emptyAt = this.emptyAt.get(tenantKey) ?? -Infinity;
    const ready = Math.max(now, ...this.limits.map(({ limiter }, i) => limiter.readyAt(keys[i]!, now, emptyAt)));
    if (ready === now) this.limits.forEach(({ limiter }, i) => limiter.take(keys[i]!, now, emptyAt));
    return ready;
  }

  /**
   * Every bucket of the tenant (its own and each of its contacts') is empty at `now` and refills
   * from then: for a tenant this replica just acquired from another, whose last sends its buckets
   * never saw. The two owners together then send no more in any window than one bucket lets
   * (its burst plus the rate), so a handover never bursts above the channel's limit.
   */
  startEmpty(tenantKey: string, now: number): void {
    this.emptyAt.set(tenantKey, now);
  }
}
