import { describe, expect, test } from "vitest";
import type { Sent } from "../load/fixed-rate.js";
import { match } from "./e2e-latency.js";

const sent = (marker: string, startedAt: number, answeredAt: number): Sent => ({
  index: 0,
  marker,
  startedAt,
  answeredAt,
  status: 202,
});

describe("match (202 → arrival pairing)", () => {
  test("the k-th answer of a reused marker pairs with its k-th arrival", () => {
    const answers = [sent("a", 0, 2), sent("b", 1, 3), sent("a", 3000, 3002)];
    const arrivals = new Map([
      ["a", [3005, 4]], // out of order on purpose: pairing sorts by time
      ["b", [6]],
    ]);
    const m = match(answers, arrivals, 3);
    expect(m.matched).toBe(3);
    expect(m.fromAccept.max).toBe(3); // a: 4-2=2, b: 6-3=3, a again: 3005-3002=3
    expect(m.fromRequest.max).toBe(5);
    expect(m.beforeAnswer).toBe(0);
  });

  test("a send that reached the API before the client read the 202 counts as 0 ms", () => {
    const m = match([sent("x", 0, 10)], new Map([["x", [8]]]), 1);
    expect(m.beforeAnswer).toBe(1);
    expect(m.fromAccept.max).toBe(0);
    expect(m.fromRequest.p50).toBe(8);
  });

  test("answers without an arrival are left unmatched", () => {
    const m = match([sent("y", 0, 1), sent("z", 0, 1)], new Map([["y", [2]]]), 2);
    expect(m.matched).toBe(1);
    expect(m.accepted).toBe(2);
  });
});
