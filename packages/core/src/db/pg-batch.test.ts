import { describe, expect, it } from "vitest";
import { PgBatch } from "./pg-batch.js";

describe("PgBatch", () => {
  it("runs the calls of one turn as one group, and calls made meanwhile as the next", async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batch = new PgBatch<number, number>(async (items) => {
      groups.push([...items]);
      if (groups.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = [1, 2, 3].map((i) => batch.add(i));
    // Wait until the first group is in flight, then add more: they wait for it and go together.
    await new Promise((resolve) => setImmediate(resolve));
    const second = [4, 5].map((i) => batch.add(i));
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("runs each item of a failed group on its own, so one bad item fails alone", async () => {
    const groups: number[][] = [];
    const batch = new PgBatch<number, number>(async (items) => {
      groups.push([...items]);
      if (items.includes(2)) throw new Error("bad item 2");
      return [...items];
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => batch.add(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("bad item 2"));
    expect(groups).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it("runs an item that must go alone in a group of its own, keeping the order, and caps a group at max", async () => {
    const groups: number[][] = [];
    const batch = new PgBatch<number, number>(
      async (items) => {
        groups.push([...items]);
        return [...items];
      },
      { max: 2, alone: (i) => i === 3 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => batch.add(i)));
    expect(groups).toEqual([[1, 2], [3], [4, 5], [6]]);
  });
});
