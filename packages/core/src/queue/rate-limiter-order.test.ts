import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("rate limiter: rows it holds back keep their order", () => {
  it("a row held back later never gets an earlier due time than one held back before it", () => {
    const limiter = new RateLimiter(20, 1);
    limiter.take("chat", 0);
    // Rounding each row's own wait up put the second row at 50.1 ms and the first at 50.9 ms.
    const first = limiter.readyAt("chat", 0.9);
    const second = limiter.readyAt("chat", 10.1);
    expect(first).toBeGreaterThan(0.9);
    expect(second).toBeGreaterThanOrEqual(first);
    expect(Number.isInteger(first)).toBe(true);
  });

  it("a token that comes back does not let a newer row past the rows still held", () => {
    const limiter = new RateLimiter(20, 1);
    limiter.take("chat", 0);
    const held = limiter.readyAt("chat", 0.9);
    // Later than the exact refill (a token is back), earlier than the held rows' due time.
    const newer = limiter.readyAt("chat", held - 0.01);
    expect(newer).toBe(held);
    // At the held rows' due time the bucket lets a send go.
    expect(limiter.readyAt("chat", held)).toBe(held);
    limiter.take("chat", held);
    expect(limiter.readyAt("chat", held)).toBeGreaterThan(held);
  });

  it("answers now while nothing is held and a token is there", () => {
    const limiter = new RateLimiter(1, 3);
    expect(limiter.readyAt("chat", 5.5)).toBe(5.5);
    limiter.take("chat", 5.5);
    expect(limiter.readyAt("chat", 6)).toBe(6);
  });

  it("a backward clock step does not keep rows held until a time from before it", () => {
    const limiter = new RateLimiter(20, 1);
    limiter.take("chat", 1_000_000);
    const held = limiter.readyAt("chat", 1_000_001);
    expect(held).toBeGreaterThan(1_000_001);
    // An hour back: the bucket is as it was (never drained), and nothing holds it to the old time.
    expect(limiter.readyAt("chat", 1_000_001 - 3_600_000)).toBeLessThan(held - 3_000_000);
  });

  it("works with negative times", () => {
    const limiter = new RateLimiter(1, 1);
    expect(limiter.readyAt("chat", -5000)).toBe(-5000);
  });
});
