import { describe, expect, it } from "vitest";
import { fairShare, type ReplicaLoad } from "./fair-share.js";

const shares = (replicas: ReplicaLoad[], tenants: number) => replicas.map((r) => fairShare(r.id, replicas, tenants));

describe("fairShare", () => {
  it("puts two tenants on two different replicas of three", () => {
    expect(
      shares(
        [
          { id: "a", owned: 2 },
          { id: "b", owned: 0 },
          { id: "c", owned: 0 },
        ],
        2,
      ),
    ).toEqual([1, 1, 0]);
  });

  it("adds up to the tenants, as even as whole tenants allow", () => {
    for (const tenants of [0, 1, 5, 7, 100]) {
      for (const n of [1, 2, 3, 4]) {
        const replicas = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, owned: (i * 7) % 3 }));
        const s = shares(replicas, tenants);
        expect(s.reduce((a, b) => a + b, 0)).toBe(tenants);
        expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("gives the larger shares to the replicas that own more already (fewest moves)", () => {
    // 4 tenants on 3 replicas owning 2, 2, 0: one of the 2s gives one back, not both.
    expect(
      shares(
        [
          { id: "a", owned: 2 },
          { id: "b", owned: 2 },
          { id: "c", owned: 0 },
        ],
        4,
      ),
    ).toEqual([2, 1, 1]);
    expect(
      shares(
        [
          { id: "a", owned: 0 },
          { id: "b", owned: 3 },
        ],
        3,
      ),
    ).toEqual([1, 2]);
  });

  it("counts itself when the table does not list it yet", () => {
    expect(fairShare("new", [{ id: "a", owned: 2 }], 2)).toBe(1);
  });
});
