import { describe, expect, it } from "vitest";
import { DEFAULT_API_DEADLINE_MS, readEchoEnv } from "./env.js";

describe("readEchoEnv", () => {
  it("takes the default deadline when ECHO_API_DEADLINE_MS is unset or empty", () => {
    expect(readEchoEnv({}).gateway).toEqual({ apiDeadlineMs: DEFAULT_API_DEADLINE_MS });
    expect(readEchoEnv({ ECHO_API_DEADLINE_MS: " " }).gateway.apiDeadlineMs).toBe(DEFAULT_API_DEADLINE_MS);
  });

  it("reads a deadline and passes core's variables through", () => {
    const env = readEchoEnv({ ECHO_API_DEADLINE_MS: "2500", PORT: "9000" });
    expect(env.gateway.apiDeadlineMs).toBe(2500);
    expect(env.core.PORT).toBe("9000");
  });

  it("refuses a deadline that is not a whole number in range, naming the variable", () => {
    for (const value of ["soon", "1.5", "50", "9999999"]) {
      expect(() => readEchoEnv({ ECHO_API_DEADLINE_MS: value }), value).toThrow(/ECHO_API_DEADLINE_MS/);
    }
  });
});
