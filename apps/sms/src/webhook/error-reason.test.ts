import { describe, expect, it } from "vitest";
import { errorReason } from "./status.js";

describe("errorReason", () => {
  it("adds the hint of a known Twilio error code", () => {
    expect(errorReason("undelivered", "30003", "Unreachable")).toBe(
      "Twilio: undelivered, error 30003, Unreachable, the handset is unreachable (off or out of coverage)",
    );
  });

  it("adds nothing for a code named like Object's properties", () => {
    for (const code of ["constructor", "toString", "__proto__"]) {
      expect(errorReason("failed", code, undefined)).toBe(`Twilio: failed, error ${code}`);
    }
  });
});
