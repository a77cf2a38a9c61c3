import { describe, expect, it } from "vitest";
import { optChangeOf } from "./keywords.js";

describe("opt-out keywords", () => {
  it.each(["STOP", "stop", " Stop ", "STOPALL", "unsubscribe", "CANCEL", "End", "QUIT"])("%j opts out", (body) => {
    expect(optChangeOf(body)?.action).toBe("opt-out");
  });

  it.each(["START", "yes", " Unstop"])("%j opts back in", (body) => {
    expect(optChangeOf(body)?.action).toBe("opt-in");
  });

  it("ignores keywords inside a sentence", () => {
    expect(optChangeOf("please stop calling")).toBeUndefined();
    expect(optChangeOf("STOP IT")).toBeUndefined();
    expect(optChangeOf("")).toBeUndefined();
  });

  it("follows Twilio's OptOutType when Advanced Opt-Out sends it", () => {
    expect(optChangeOf("arrêt", "STOP")).toEqual({ action: "opt-out", keyword: "ARRÊT" });
    expect(optChangeOf("go", "START")?.action).toBe("opt-in");
    expect(optChangeOf("HELP", "HELP")).toBeUndefined();
  });
});
