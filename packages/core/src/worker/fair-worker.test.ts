import pino from "pino";
import { describe, expect, it } from "vitest";
import { FairWorker, type WorkerJobs } from "./fair-worker.js";

const A = 1;
const B = 2;
const row = (tenantId: number) => ({ tenant_id: tenantId, t: 0 });

/** A worker over in-memory queues of numbered items per tenant, every item due at once. */
function memoryWorker(options: {
  queues: Map<string, number[]>;
  run: (item: number) => Promise<void>;
  overrides?: Partial<WorkerJobs<number>>;
}) {
  return new FairWorker<number>({
    name: "test worker",
    concurrency: 4,
    groupLimit: 1,
    clock: { now: () => 1000 },
    logger: pino({ level: "silent" }),
    storage: {
      failed: () => {
        throw new Error("these tests never make the database refuse");
      },
    },
    pending: () => [...options.queues.keys()].map((key) => row(Number(key))),
    take: (turn, room, _now, claim) => {
      const queue = options.queues.get(turn.key) ?? [];
      for (const item of queue.splice(0, room)) claim(item);
      return queue.length === 0 ? "drained" : "more";
    },
    nextDue: (tenantId) => ((options.queues.get(String(tenantId))?.length ?? 0) > 0 ? 0 : null),
    run: options.run,
    ...options.overrides,
  });
}

/** Resolves once `check` holds, looking again on every turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe("fair worker", () => {
  it("keeps a tenant whose work hangs to its group's cap while another tenant's work all runs", async () => {
    const ran: number[] = [];
    const hung = new Promise<void>(() => undefined);
    const queues = new Map([
      [String(A), [1, 2, 3]],
      [String(B), [11, 12, 13]],
    ]);
    const worker = memoryWorker({
      queues,
      run: async (item) => {
        ran.push(item);
        if (item < 10) await hung;
      },
    });
    worker.start();
    await until(() => ran.filter((i) => i > 10).length === 3);
    expect(ran.filter((i) => i < 10)).toEqual([1]);
    expect(worker.inFlightOf({ key: String(A), owner: A })).toBe(1);
    expect(worker.inFlightOf({ key: String(B), owner: B })).toBe(0);
    await worker.stop(10);
    expect(worker.signal.aborted).toBe(true);
  });

  it("gives back the claims of a wake-up that failed, and tries again", async () => {
    const ran: number[] = [];
    const abandoned: number[] = [];
    const queues = new Map([
      [String(A), [1]],
      [String(B), [11]],
    ]);
    let failures = 0;
    const worker = memoryWorker({
      queues,
      run: async (item) => {
        ran.push(item);
      },
      overrides: {
        // The first wake-up claims A's item, then B's turn fails: the whole wake-up rolls back.
        round: (_now, claimAll) => {
          const before = new Map([...queues].map(([k, v]) => [k, [...v]]));
          try {
            return claimAll();
          } catch (error) {
            for (const [k, v] of before) queues.set(k, v);
            throw error;
          }
        },
        take: (turn, room, _now, claim) => {
          if (turn.key === String(B) && failures++ === 0) throw new Error("database went away");
          const queue = queues.get(turn.key) ?? [];
          for (const item of queue.splice(0, room)) claim(item);
          return queue.length === 0 ? "drained" : "more";
        },
        abandoned: (item) => abandoned.push(item),
      },
    });
    worker.start();
    await until(() => ran.length === 2);
    expect(abandoned).toEqual([1]);
    expect(ran.sort((x, y) => x - y)).toEqual([1, 11]);
    await worker.stop(10);
  });
});
