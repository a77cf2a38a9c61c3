import { describe, expect, it } from "vitest";
import { countSegments, detectEncoding } from "./segments.js";

describe("SMS segments", () => {
  it("counts GSM-7: 160 in one segment, then 153 per part", () => {
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
  });

  it("counts extension characters as two septets, never split across parts", () => {
    expect(countSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("[".repeat(81)).segments).toBe(2);
    // 152 septets, then a two-septet escape that cannot straddle the boundary.
    expect(countSegments("a".repeat(152) + "{" + "a".repeat(152)).segments).toBe(3);
  });

  it("switches the whole text to UCS-2 for one emoji: 70, then 67 per part", () => {
    expect(detectEncoding("Hello Ä é ñ")).toBe("GSM-7");
    expect(detectEncoding("Hello 👋")).toBe("UCS-2");
    expect(countSegments("Hello 👋")).toEqual({ encoding: "UCS-2", units: 8, segments: 1 });
    expect(countSegments("a".repeat(70)).segments).toBe(1);
    expect(countSegments("a".repeat(69) + "👋")).toEqual({ encoding: "UCS-2", units: 71, segments: 2 });
    expect(countSegments("Привет".repeat(12))).toEqual({ encoding: "UCS-2", units: 72, segments: 2 });
  });

  it("keeps surrogate pairs whole when packing UCS-2 parts", () => {
    // 66 units then an emoji (2 units) does not fit the 67-unit part, so it starts the next one.
    expect(countSegments("я".repeat(66) + "👋" + "я".repeat(66)).segments).toBe(3);
  });

  it("counts an empty text as no segments", () => {
    expect(countSegments("").segments).toBe(0);
  });
});
