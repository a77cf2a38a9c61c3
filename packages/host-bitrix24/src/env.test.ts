import { describe, expect, it } from "vitest";
import { readBitrix24Env } from "./env.js";

const base = { BITRIX24_CLIENT_ID: "local.abc123", BITRIX24_CLIENT_SECRET: "s3cr3t-value" };

describe("readBitrix24Env", () => {
  it("applies the documented defaults", () => {
    expect(readBitrix24Env(base)).toEqual({
      clientId: "local.abc123",
      clientSecret: "s3cr3t-value",
      oauthUrl: "https://oauth.bitrix.info",
      ratePerSecond: 2,
      rateBurst: 50,
    });
  });

  it("reads every variable, trims the OAuth URL's slash, and treats empty as the default", () => {
    const env = readBitrix24Env({
      ...base,
      BITRIX24_OAUTH_URL: "http://127.0.0.1:4010/",
      BITRIX24_RATE_PER_SECOND: "0.5",
      BITRIX24_RATE_BURST: "250",
    });
    expect(env).toMatchObject({ oauthUrl: "http://127.0.0.1:4010", ratePerSecond: 0.5, rateBurst: 250 });
    expect(readBitrix24Env({ ...base, BITRIX24_RATE_BURST: "  " }).rateBurst).toBe(50);
  });

  it("names each missing or wrong variable and never echoes the secret", () => {
    expect(() => readBitrix24Env({})).toThrow(/BITRIX24_CLIENT_ID is required.*BITRIX24_CLIENT_SECRET is required/);
    const bad = () =>
      readBitrix24Env({
        ...base,
        BITRIX24_OAUTH_URL: "ftp://x",
        BITRIX24_RATE_PER_SECOND: "fast",
        BITRIX24_RATE_BURST: "2.5",
      });
    expect(bad).toThrow(/BITRIX24_OAUTH_URL must be http\(s\)/);
    expect(bad).toThrow(/BITRIX24_RATE_PER_SECOND must be a number/);
    expect(bad).toThrow(/BITRIX24_RATE_BURST must be a whole number/);
    expect(() => readBitrix24Env({ ...base, BITRIX24_RATE_PER_SECOND: "0" })).toThrow(/above 0/);
    try {
      bad();
    } catch (error) {
      expect(String(error)).not.toContain("s3cr3t-value");
    }
  });
});
