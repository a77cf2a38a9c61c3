import { expect, test } from "vitest";
import { checkExactlyOnce, countMarkers } from "./exactly-once.js";

test("every marker arriving as often as it was sent is exactly once", () => {
  const expected = countMarkers(["a", "b", "a"]);
  const arrivals = new Map([
    ["a", [1, 2]],
    ["b", [3]],
  ]);
  expect(checkExactlyOnce(expected, arrivals)).toEqual({ expected: 3, arrived: 3, missing: 0, duplicated: 0 });
});

test("a lost message and a doubled one do not cancel out", () => {
  const expected = countMarkers(["a", "b"]);
  const arrivals = new Map([["a", [1, 2]]]);
  expect(checkExactlyOnce(expected, arrivals)).toEqual({ expected: 2, arrived: 2, missing: 1, duplicated: 1 });
});

test("an arrival nobody sent counts as doubled", () => {
  expect(
    checkExactlyOnce(
      countMarkers(["a"]),
      new Map([
        ["a", [1]],
        ["zz", [2]],
      ]),
    ).duplicated,
  ).toBe(1);
});
