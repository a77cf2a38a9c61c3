import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Leases, ReleaseCallback } from "../cluster/leases.js";
import { FairWorker, type Settling, type WorkerJobs } from "./fair-worker.js";

const A = 1;
const B = 2;
const row = (tenantId: number) => ({ tenant_id: tenantId, t: 0 });

/** A worker over in-memory queues of numbered items per tenant, every item due at once. */
function memoryWorker(options: {
  queues: Map<string, number[]>;
  run: (item: number) => Promise<void | Settling>;
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
    await worker.start();
    await until(() => ran.filter((i) => i > 10).length === 3);
    expect(ran.filter((i) => i < 10)).toEqual([1]);
    expect(worker.inFlightOf({ key: String(A), owner: A })).toBe(1);
    expect(worker.inFlightOf({ key: String(B), owner: B })).toBe(0);
    await worker.stop(10);
    expect(worker.signal.aborted).toBe(true);
  });

  it("runs what a failed wake-up claimed before its failure (each claim is committed), and tries the rest again", async () => {
    const ran: number[] = [];
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
        // The first wake-up claims A's item, then B's turn fails.
        take: async (turn, room, _now, claim) => {
          if (turn.key === String(B) && failures++ === 0) throw new Error("database went away");
          const queue = queues.get(turn.key) ?? [];
          for (const item of queue.splice(0, room)) claim(item);
          return queue.length === 0 ? "drained" : "more";
        },
      },
    });
    await worker.start();
    await until(() => ran.length === 2);
    expect(failures).toBe(2);
    // A's item ran once, B's after the retry.
    expect(ran).toEqual([1, 11]);
    await worker.stop(10);
  });

  it("never runs two fills at once: a wake-up during a fill's store calls runs one more fill after it", async () => {
    const ran: number[] = [];
    const queues = new Map([[String(A), [1, 2, 3]]]);
    let taking = 0;
    let mostAtOnce = 0;
    const worker: FairWorker<number> = memoryWorker({
      queues,
      run: async (item) => {
        ran.push(item);
      },
      overrides: {
        concurrency: 1,
        take: async (turn, room, _now, claim) => {
          taking++;
          mostAtOnce = Math.max(mostAtOnce, taking);
          // The store answers later; meanwhile more wake-ups come.
          worker.wake();
          await new Promise((r) => setTimeout(r, 1));
          worker.wake();
          const queue = queues.get(turn.key) ?? [];
          for (const item of queue.splice(0, room)) claim(item);
          taking--;
          return queue.length === 0 ? "drained" : "more";
        },
      },
    });
    await worker.start();
    await until(() => ran.length === 3);
    expect(ran).toEqual([1, 2, 3]);
    expect(mostAtOnce).toBe(1);
    await worker.stop(10);
  });

  it("keeps a tenant hinted while its next due time was being read, though the read saw nothing", async () => {
    const ran: number[] = [];
    const queues = new Map([[String(A), [1]]]);
    let reads = 0;
    const worker: FairWorker<number> = memoryWorker({
      queues,
      run: async (item) => {
        ran.push(item);
      },
      overrides: {
        nextDue: async (tenantId) => {
          const due = (queues.get(String(tenantId))?.length ?? 0) > 0 ? 0 : null;
          // The first read answers "nothing": meanwhile a write stored item 2 and hinted the tenant.
          if (reads++ === 0) {
            queues.get(String(A))!.push(2);
            worker.hint(A, 0);
          }
          return due;
        },
      },
    });
    await worker.start();
    await until(() => ran.length === 2);
    expect(ran).toEqual([1, 2]);
    await worker.stop(10);
  });

  it("stop waits for the take in progress: once stopped, nothing touches the store", async () => {
    let inTake = false;
    let opened!: () => void;
    const gate = new Promise<void>((r) => (opened = r));
    const touched: string[] = [];
    const worker = memoryWorker({
      queues: new Map([[String(A), [1]]]),
      run: async () => void touched.push("run"),
      overrides: {
        take: async (_turn, _room, _now, claim) => {
          inTake = true;
          await gate;
          touched.push("take finished");
          claim(1);
          return "drained" as const;
        },
        nextDue: () => {
          touched.push("nextDue");
          return null;
        },
      },
    });
    await worker.start();
    await until(() => inTake);
    let stopped = false;
    const stopping = worker.stop(60_000).then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    opened();
    await stopping;
    const atStop = touched.length;
    expect(touched).toContain("take finished");
    await new Promise((r) => setImmediate(r));
    expect(touched.length).toBe(atStop);
  });
  it("frees a slot when the work gives its last step to settle, yet counts it in flight for a handover and for stop until then", async () => {
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    let releaseOf: ReleaseCallback | undefined;
    const leases: Leases = {
      replicaId: "r1",
      owns: () => true,
      onAcquire: () => () => undefined,
      onOwned: () => () => undefined,
      ownedTenants: () => [A],
      onRelease: (callback) => {
        releaseOf = callback;
        return () => undefined;
      },
      start: async () => undefined,
      stop: async () => undefined,
    };
    const worker = memoryWorker({
      queues: new Map([[String(A), [1, 2, 3]]]),
      run: async (item) => {
        started.push(item);
        return { settled: new Promise<void>((resolve) => gates.set(item, resolve)) };
      },
      // One slot for the tenant: the items after the first start only because each freed it.
      overrides: { concurrency: 1, leases },
    });
    await worker.start();
    await until(() => started.length === 3);
    expect(worker.inFlightOf({ key: String(A), owner: A })).toBe(3);
    expect(worker.inFlight).toBe(3);

    let handedOver = false;
    const release = Promise.resolve(releaseOf!(A, "rebalance")).then(() => (handedOver = true));
    let stopped = false;
    const stop = worker.stop(60_000).then(() => (stopped = true));
    gates.get(1)!();
    gates.get(2)!();
    await until(() => worker.inFlight === 1);
    expect(handedOver).toBe(false);
    expect(stopped).toBe(false);
    gates.get(3)!();
    await Promise.all([release, stop]);
    expect(worker.inFlight).toBe(0);
    expect(worker.signal.aborted).toBe(true);
  });
});
