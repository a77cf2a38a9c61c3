import { InvalidInputError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { contactToE164, toE164 } from "./phone.js";

describe("E.164 normalisation", () => {
  it("keeps international numbers, whatever their punctuation", () => {
    expect(toE164("+1 (415) 555-2671")).toBe("+14155552671");
    expect(toE164("tel:+44 20 7946 0958")).toBe("+442079460958");
    expect(toE164("  +7 916 123-45-67 ")).toBe("+79161234567");
  });

  it("reads national numbers in the tenant's country", () => {
    expect(toE164("8 (916) 123-45-67", "RU")).toBe("+79161234567");
    expect(toE164("(415) 555-2671", "us")).toBe("+14155552671");
    expect(toE164("(415) 555-2671")).toBeUndefined();
  });

  it("rejects what is not a phone number as a permanent error", () => {
    expect(toE164("hello")).toBeUndefined();
    expect(toE164("+1 555")).toBeUndefined();
    expect(() => contactToE164("not-a-number", "RU")).toThrow(InvalidInputError);
  });
});
