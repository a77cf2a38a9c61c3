import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCoreConfig } from "../env.js";
import { ChannelNetworkError, ChannelRefusedError, CrmRefusedError } from "../errors.js";
import { backoffDelay, retryDelay } from "./backoff.js";

const RETRY = { baseMs: 1000, maxMs: 60_000 };

/** Pins the jitter draw: 0 is the lowest jitter, just under 1 the highest. */
function jitter(draw: number): void {
  vi.spyOn(Math, "random").mockReturnValue(draw);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("backoffDelay", () => {
  it("doubles from the base with every attempt", () => {
    jitter(0.999_999_999);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, RETRY))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000]);
  });

  it("treats attempt 0 or below as the first attempt", () => {
    jitter(0.999_999_999);
    expect(backoffDelay(0, RETRY)).toBe(1000);
    expect(backoffDelay(-3, RETRY)).toBe(1000);
  });

  it("stops growing at maxMs, also for huge attempt counts (no Infinity, no overflow)", () => {
    jitter(0.999_999_999);
    expect(backoffDelay(7, RETRY)).toBe(60_000);
    expect(backoffDelay(8, RETRY)).toBe(60_000);
    expect(backoffDelay(1_000_000, RETRY)).toBe(60_000);
  });

  it("caps at SWITCHBOARD_RETRY_MAX_MS as read from the environment", () => {
    jitter(0.999_999_999);
    const { retry } = loadCoreConfig({
      LV_PLUGIN_SELF_URI: "https://gw.test/p",
      SWITCHBOARD_RETRY_BASE_MS: "300",
      SWITCHBOARD_RETRY_MAX_MS: "1000",
    });
    expect(retry).toEqual({ baseMs: 300, maxMs: 1000 });
    expect([1, 2, 3, 4, 20].map((a) => backoffDelay(a, retry))).toEqual([300, 600, 1000, 1000, 1000]);
  });

  it("jitters down to half the exponential delay and never above it or the cap", () => {
    jitter(0);
    expect(backoffDelay(3, RETRY)).toBe(2000);
    expect(backoffDelay(50, RETRY)).toBe(30_000);
    jitter(0.5);
    expect(backoffDelay(3, RETRY)).toBe(3000);
    vi.restoreAllMocks();
    for (let attempt = 1; attempt <= 12; attempt++) {
      const exp = Math.min(RETRY.maxMs, RETRY.baseMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, RETRY);
        expect(delay).toBeGreaterThanOrEqual(exp / 2);
        expect(delay).toBeLessThanOrEqual(exp);
      }
    }
  });

  it("spreads the retries of messages failing together", () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(5, RETRY)));
    // 8 001 possible whole-millisecond values between 8 000 and 16 000: 100 draws landing on
    // fewer than 50 of them would mean the jitter is not there.
    expect(delays.size).toBeGreaterThan(50);
  });
});

describe("retryDelay", () => {
  const refused = (retryAfterMs?: number) =>
    new ChannelRefusedError("Too Many Requests", { permanent: false, code: 429, retryAfterMs });

  it("waits exactly the channel's retry-after, whatever the attempt and the cap", () => {
    jitter(0);
    expect(retryDelay(refused(400), 1, RETRY)).toBe(400);
    expect(retryDelay(refused(400), 9, RETRY)).toBe(400);
    // The channel's word wins over our cap: retrying earlier would only be refused again.
    expect(retryDelay(refused(90_000), 1, RETRY)).toBe(90_000);
    expect(retryDelay(refused(0), 5, RETRY)).toBe(0);
  });

  it("waits the CRM's retry-after too (a host's refusal that may pass)", () => {
    jitter(0);
    const crm = new CrmRefusedError("QUERY_LIMIT_EXCEEDED", { permanent: false, status: 503, retryAfterMs: 1500 });
    expect(retryDelay(crm, 7, RETRY)).toBe(1500);
    expect(retryDelay(new CrmRefusedError("HTTP 503", { permanent: false, status: 503 }), 1, RETRY)).toBe(500);
  });

  it("falls back to the backoff when the channel gave no retry-after", () => {
    jitter(0.999_999_999);
    expect(retryDelay(refused(), 3, RETRY)).toBe(4000);
    expect(retryDelay(new ChannelNetworkError("connect ECONNREFUSED"), 3, RETRY)).toBe(4000);
    expect(retryDelay(new Error("boom"), 10, RETRY)).toBe(60_000);
  });
});
