/**
 * @module rest/portal-rate-limiter — a token bucket per portal that keeps our requests inside the
 * portal's leaky bucket (b24restdocs `limits.md`: the counter drains Y a second and blocks above X;
 * X = 50, Y = 2 on every plan but Enterprise). The portal counts per portal *and source IP*, so
 * several apps behind one address share it: when the portal still says `QUERY_LIMIT_EXCEEDED` the
 * bucket is emptied and held until one request has drained. Portals never wait for each other.
 */
import { realTimers, type Timers } from "../time/timers.js";

/** The longest a portal is held off after refusals in a row (its bucket drains at least 2/s). */
export const MAX_HOLD_OFF_MS = 30_000;
/** Options of {@link PortalRateLimiter}. */
export interface PortalRateLimiterOptions {
  /** Requests a second on average (`BITRIX24_RATE_PER_SECOND`). */
  ratePerSecond: number;
  /** Requests at once after a quiet spell (`BITRIX24_RATE_BURST`). */
  burst: number;
  timers?: Timers;
}

interface Bucket {
  tokens: number;
  at: number;
  /** No request before this time (the portal said to wait). */
  holdUntil: number;
  /** The end of the queue of waiting requests: each one waits for the one before it. */
  tail: Promise<void>;
  waiting: number;
}

const PRUNE_ABOVE = 1000;

/** Per-portal token buckets, FIFO within a portal. */
export class PortalRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly timers: Timers;
  readonly ratePerSecond: number;
  readonly burst: number;

  constructor(options: PortalRateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new Error("rate and burst must be positive");
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.timers = options.timers ?? realTimers;
  }

  /** Waits until `portal` may be sent one more request, then counts it. */
  acquire(portal: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.bucketOf(portal);
    bucket.waiting++;
    const turn = bucket.tail.then(() => this.take(bucket, signal));
    // The next request waits for this one's turn, whether it got a token or gave up.
    bucket.tail = turn.catch(() => undefined);
    return turn.finally(() => {
      bucket.waiting--;
    });
  }

  /**
   * The portal refused for its rate: nothing left in our bucket, and no request before `untilMs`
   * (default: the time one request takes to drain from the portal's counter, doubled for each
   * refusal in a row the caller has already met, up to {@link MAX_HOLD_OFF_MS}: other apps on the
   * same IP share the portal's bucket, so our own rate is only the shortest wait that can help).
   */
  holdOff(portal: string, untilMs?: number, refusalsInARow = 0): number {
    const bucket = this.bucketOf(portal);
    const now = this.timers.now();
    const step = Math.min(MAX_HOLD_OFF_MS, (1000 / this.ratePerSecond) * 2 ** Math.min(refusalsInARow, 16));
    const until = untilMs ?? now + step;
    this.refill(bucket, now);
    bucket.tokens = 0;
    bucket.holdUntil = Math.max(bucket.holdUntil, until);
    return bucket.holdUntil - now;
  }

  /** Requests `portal` could send right now without waiting. */
  available(portal: string): number {
    const bucket = this.buckets.get(portal);
    if (!bucket) return this.burst;
    this.refill(bucket, this.timers.now());
    return bucket.holdUntil > this.timers.now() ? 0 : Math.floor(bucket.tokens);
  }

  /** Forgets a portal (uninstalled). */
  forget(portal: string): void {
    this.buckets.delete(portal);
  }

  private async take(bucket: Bucket, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.timers.now();
      this.refill(bucket, now);
      if (bucket.holdUntil > now) {
        await this.timers.sleep(bucket.holdUntil - now, signal);
        continue;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.timers.sleep(Math.ceil(((1 - bucket.tokens) * 1000) / this.ratePerSecond), signal);
    }
  }

  private refill(bucket: Bucket, now: number): void {
    if (now > bucket.at) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
      bucket.at = now;
    }
  }

  private bucketOf(portal: string): Bucket {
    let bucket = this.buckets.get(portal);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_ABOVE) this.prune();
      bucket = { tokens: this.burst, at: this.timers.now(), holdUntil: 0, tail: Promise.resolve(), waiting: 0 };
      this.buckets.set(portal, bucket);
    }
    return bucket;
  }

  // A full, idle bucket holds nothing a new one would not: dropping it keeps memory bounded by busy portals.
  private prune(): void {
    const now = this.timers.now();
    for (const [portal, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.waiting === 0 && bucket.tokens >= this.burst && bucket.holdUntil <= now) this.buckets.delete(portal);
    }
  }
}
