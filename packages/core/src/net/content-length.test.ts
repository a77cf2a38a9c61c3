import { describe, expect, it } from "vitest";
import { declaredLength } from "./content-length.js";

describe("declaredLength", () => {
  it("reads a plain byte count", () => {
    expect(declaredLength("0")).toBe(0);
    expect(declaredLength(" 5120 ")).toBe(5120);
  });

  it("never turns a missing or odd header into a number (a chunked answer is not an empty file)", () => {
    for (const value of [null, undefined, "", " ", "-1", "1.5", "1e3", "0x10", "12, 12", "9".repeat(16)]) {
      expect(declaredLength(value), String(value)).toBeUndefined();
    }
    expect(declaredLength(["3", "3"])).toBeUndefined();
  });
});
