import { describe, expect, it } from "vitest";
import { readTelegramEnv } from "./env.js";

describe("readTelegramEnv", () => {
  it("gives core every variable and the gateway its API root, without a trailing slash", () => {
    const source = { TELEGRAM_API_ROOT: "http://127.0.0.1:9000//", LOG_LEVEL: "warn" };
    expect(readTelegramEnv(source)).toEqual({ core: source, gateway: { apiRoot: "http://127.0.0.1:9000" } });
  });

  it("defaults to Telegram's own API root when the variable is unset or empty", () => {
    for (const source of [{}, { TELEGRAM_API_ROOT: "" }]) {
      expect(readTelegramEnv(source).gateway).toEqual({ apiRoot: "https://api.telegram.org" });
    }
  });

  it("refuses an API root that is not an absolute URL with a readable error", () => {
    expect(() => readTelegramEnv({ TELEGRAM_API_ROOT: "api.telegram.org" })).toThrow(
      "Invalid configuration: TELEGRAM_API_ROOT: TELEGRAM_API_ROOT must be an absolute URL",
    );
  });
});
