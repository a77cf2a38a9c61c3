import { describe, expect, it } from "vitest";
import { MAX_BODY_LENGTH, splitText } from "./split.js";

describe("splitting long texts", () => {
  it("keeps a text that fits", () => {
    expect(splitText("hello")).toEqual(["hello"]);
    expect(splitText("x".repeat(MAX_BODY_LENGTH))).toHaveLength(1);
    expect(splitText("")).toEqual([]);
  });

  it("splits over 1600 characters at paragraph, line or word breaks", () => {
    const first = "a".repeat(1000);
    const second = "b".repeat(1000);
    expect(splitText(`${first}\n\n${second}`)).toEqual([first, second]);
    const words = Array.from({ length: 600 }, (_, i) => `w${i}`).join(" ");
    const parts = splitText(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    expect(parts.join(" ")).toBe(words);
  });

  it("cuts a text without breaks at the limit, never inside a surrogate pair", () => {
    const parts = splitText("x".repeat(1599) + "👋" + "y".repeat(10));
    expect(parts[0]).toBe("x".repeat(1599));
    expect(parts[1]).toBe("👋" + "y".repeat(10));
  });
});
