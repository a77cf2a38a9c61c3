import { describe, expect, it } from "vitest";
import { manualTimers } from "../time/timers.js";
import { MAX_HOLD_OFF_MS, PortalRateLimiter } from "./portal-rate-limiter.js";

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("PortalRateLimiter", () => {
  it("serves a portal's requests in order and at the rate, after the burst", async () => {
    const timers = manualTimers(0);
    const limiter = new PortalRateLimiter({ ratePerSecond: 4, burst: 2, timers });
    const order: number[] = [];
    const all = [1, 2, 3, 4, 5].map((n) => limiter.acquire("p").then(() => order.push(n)));
    await flush();
    expect(order).toEqual([1, 2]);
    timers.advance(250);
    await flush();
    expect(order).toEqual([1, 2, 3]);
    timers.advance(500);
    await flush();
    await flush();
    expect(order).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(all);
    expect(limiter.available("p")).toBe(0);
    timers.advance(10_000);
    expect(limiter.available("p")).toBe(2);
  });

  it("holds a portal off after the portal refused, emptying the bucket", async () => {
    const timers = manualTimers(0);
    const limiter = new PortalRateLimiter({ ratePerSecond: 2, burst: 50, timers });
    expect(limiter.holdOff("p")).toBe(500);
    let got = false;
    void limiter.acquire("p").then(() => (got = true));
    timers.advance(499);
    await flush();
    expect(got).toBe(false);
    timers.advance(1);
    await flush();
    await flush();
    expect(got).toBe(true);
    expect(limiter.holdOff("p", 10_000)).toBe(9_500);
    expect(limiter.available("other")).toBe(50);
  });

  it("holds a portal off longer for each refusal in a row, up to a cap", () => {
    const timers = manualTimers(0);
    const limiter = new PortalRateLimiter({ ratePerSecond: 2, burst: 50, timers });
    expect([0, 1, 2, 3].map((n) => limiter.holdOff(`p${n}`, undefined, n))).toEqual([500, 1000, 2000, 4000]);
    expect(limiter.holdOff("q", undefined, 40)).toBe(MAX_HOLD_OFF_MS);
  });

  it("lets a cancelled wait go without blocking the ones behind it", async () => {
    const timers = manualTimers(0);
    const limiter = new PortalRateLimiter({ ratePerSecond: 1, burst: 1, timers });
    await limiter.acquire("p");
    const abort = new AbortController();
    const cancelled = limiter.acquire("p", abort.signal);
    let next = false;
    void limiter.acquire("p").then(() => (next = true));
    abort.abort(new Error("shutdown"));
    await expect(cancelled).rejects.toThrow("shutdown");
    timers.advance(1000);
    await flush();
    await flush();
    expect(next).toBe(true);
  });

  it("refuses a rate or burst that is not positive", () => {
    expect(() => new PortalRateLimiter({ ratePerSecond: 0, burst: 5 })).toThrow();
    expect(() => new PortalRateLimiter({ ratePerSecond: 1, burst: 0 })).toThrow();
  });
});
