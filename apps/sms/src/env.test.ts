import { describe, expect, it } from "vitest";
import { readSmsEnv } from "./env.js";

describe("SMS env", () => {
  it("defaults TWILIO_API_BASE_URL to Twilio and trims a trailing slash", () => {
    expect(readSmsEnv({}).gateway).toEqual({ apiBaseUrl: "https://api.twilio.com" });
    expect(readSmsEnv({ TWILIO_API_BASE_URL: "" }).gateway).toEqual({ apiBaseUrl: "https://api.twilio.com" });
    expect(readSmsEnv({ TWILIO_API_BASE_URL: "http://127.0.0.1:4010/" }).gateway).toEqual({
      apiBaseUrl: "http://127.0.0.1:4010",
    });
  });

  it("hands every variable to core, which checks its own", () => {
    const source = { TWILIO_API_BASE_URL: "http://127.0.0.1:4010", LV_PLUGIN_SELF_URI: "https://gw.example.test/" };
    expect(readSmsEnv(source).core).toBe(source);
  });

  it("rejects a base that is not an http(s) URL", () => {
    expect(() => readSmsEnv({ TWILIO_API_BASE_URL: "not a url" })).toThrow(/TWILIO_API_BASE_URL/);
    expect(() => readSmsEnv({ TWILIO_API_BASE_URL: "ftp://x.test" })).toThrow(/http/);
  });
});
