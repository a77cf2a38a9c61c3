import { ChannelNetworkError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { classifyFailure, MAX_RETRY_AFTER_MS, networkFailure, parseRetryAfter } from "./classify-failure.js";

describe("classifyFailure", () => {
  it("makes every 4xx but 408 and 429 permanent, with the channel's message", () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422]) {
      const error = classifyFailure(status, "recipient unknown", "30");
      expect(error.retryable, String(status)).toBe(false);
      expect(error.code).toBe(status);
      expect(error.retryAfterMs).toBeUndefined();
      expect(error.message).toBe(`Echo: the API answered ${status}: recipient unknown`);
    }
  });

  it("makes 408, 429 and 5xx transient, waiting as long as Retry-After says", () => {
    expect(classifyFailure(429, undefined, "7")).toMatchObject({ retryable: true, retryAfterMs: 7000, code: 429 });
    expect(classifyFailure(503, undefined, null)).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(classifyFailure(408, undefined, null).retryable).toBe(true);
    expect(classifyFailure(500, "oops", null).message).toBe("Echo: the API answered 500: oops");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, caps them to an hour, and ignores what it cannot read", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("999999", now)).toBe(MAX_RETRY_AFTER_MS);
    for (const value of [undefined, null, "", " ", "soon", "-5", "Wed, 31 Dec 2025 23:00:00 GMT"]) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    }
  });
});

describe("networkFailure", () => {
  it("is retried and names the cause without carrying it", () => {
    const error = networkFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    expect(error).toBeInstanceOf(ChannelNetworkError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Echo: the API did not answer: ECONNREFUSED");
    expect(error.cause).toBeUndefined();
  });
});
