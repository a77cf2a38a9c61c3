import { ChannelRefusedError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { classifyTwilioFailure, parseRetryAfter, readTwilioFailure } from "./classify-error.js";

describe("classifying Twilio failures", () => {
  it.each([21610, 21211, 21614, 21408, 20003])("code %i is permanent", (code) => {
    const error = classifyTwilioFailure({ status: code === 20003 ? 401 : 400, code, message: "m" });
    expect(error).toBeInstanceOf(ChannelRefusedError);
    expect(error.retryable).toBe(false);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(new RegExp(`^Twilio: error ${code}: m: `));
  });

  it("retries 429 with its Retry-After, and 5xx", () => {
    const limited = classifyTwilioFailure(readTwilioFailure(429, { code: 20429, message: "Too Many Requests" }, "7"));
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(7000);
    expect(classifyTwilioFailure({ status: 503 }).retryable).toBe(true);
    expect(classifyTwilioFailure({ status: 500, code: 20500 }).retryable).toBe(true);
  });

  it("treats other 4xx as permanent", () => {
    expect(classifyTwilioFailure({ status: 400, code: 21602 }).retryable).toBe(false);
  });

  it("reads non-JSON bodies and HTTP-date Retry-After", () => {
    expect(readTwilioFailure(502, "<html>bad gateway</html>", undefined)).toEqual({
      status: 502,
      code: undefined,
      message: undefined,
      retryAfterMs: undefined,
    });
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    expect(parseRetryAfter(inTwoSeconds)).toBeGreaterThan(0);
    expect(parseRetryAfter("garbage")).toBeUndefined();
  });
});
