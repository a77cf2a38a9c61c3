import { describe, expect, test } from "vitest";
import { percentiles } from "./stats.js";

describe("percentiles", () => {
  test("nearest rank on 1..100", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  test("a single value is every percentile", () => {
    expect(percentiles([3.14159])).toEqual({ count: 1, p50: 3.14, p95: 3.14, p99: 3.14, max: 3.14 });
  });

  test("an empty sample gives zeros", () => {
    expect(percentiles([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
