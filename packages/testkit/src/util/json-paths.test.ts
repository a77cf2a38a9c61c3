import { describe, expect, it } from "vitest";
import { jsonPaths, withValueAt } from "./json-paths.js";

describe("jsonPaths", () => {
  it("lists the root, every key and every array index, depth first", () => {
    expect(jsonPaths({ a: 1, b: { c: [null, "x"] } })).toEqual([
      [],
      ["a"],
      ["b"],
      ["b", "c"],
      ["b", "c", "0"],
      ["b", "c", "1"],
    ]);
    expect(jsonPaths("leaf")).toEqual([[]]);
  });
});

describe("withValueAt", () => {
  it("replaces one value at any depth, keeps arrays arrays, and leaves the original untouched", () => {
    const original = { a: 1, b: { c: [null, "x"] } };
    const copy = withValueAt(original, ["b", "c", "1"], { id: 1 });
    expect(copy).toEqual({ a: 1, b: { c: [null, { id: 1 }] } });
    expect(Array.isArray((copy as typeof original).b.c)).toBe(true);
    expect(original).toEqual({ a: 1, b: { c: [null, "x"] } });
    expect(withValueAt(original, [], 7)).toBe(7);
  });
});
