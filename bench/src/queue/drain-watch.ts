/**
 * @module queue/drain-watch — times a backlog draining: polls the gateway's database until nothing
 * is queued or leased, sampling the process's memory on the way.
 */
import { performance } from "node:perf_hooks";
import type { GatewayProcess } from "../gateway/gateway-process.js";
import { DbProbe, type StoreLocation } from "./db-probe.js";

/** How a drain went. */
export interface DrainResult {
  messages: number;
  seconds: number;
  perSecond: number;
  /** Peak RSS of the gateway during the drain (VmHWM after a reset; the highest replica's), MB. */
  peakRssMb: number;
  /** RSS when the drain started (what building the backlog left; the highest replica's), MB. */
  startRssMb: number;
  /** `process.memoryUsage()` of the gateway when the drain started and the highest values seen during it, MB. */
  memory: { atStart: MemoryMb; highest: MemoryMb } | undefined;
}

/** `process.memoryUsage()` in MB. */
export type MemoryMb = Record<"rss" | "heapTotal" | "heapUsed" | "external" | "arrayBuffers", number>;

/** The gateway's own view of its memory (asked over the child's IPC channel), or undefined. */
export async function memoryOf(gateway: GatewayProcess): Promise<MemoryMb | undefined> {
  const raw = await gateway.memoryUsage();
  if (!raw) return undefined;
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    rss: mb(raw.rss),
    heapTotal: mb(raw.heapTotal),
    heapUsed: mb(raw.heapUsed),
    external: mb(raw.external),
    arrayBuffers: mb(raw.arrayBuffers),
  };
}

function highest(a: MemoryMb | undefined, b: MemoryMb | undefined): MemoryMb | undefined {
  if (!a || !b) return a ?? b;
  const out = { ...a };
  for (const k of Object.keys(out) as Array<keyof MemoryMb>) out[k] = Math.max(a[k], b[k]);
  return out;
}

/**
 * Starts the drain with `release()` and waits until the queue is empty (polling every 20 ms, 50 ms on PostgreSQL).
 * The peak-RSS counter is reset just before, so the peak covers the drain only. With several
 * replicas (`gateway` a list), memory is the first replica's `memoryUsage()` and every replica's RSS.
 */
export async function watchDrain(
  gateway: GatewayProcess | GatewayProcess[],
  store: StoreLocation | string,
  release: () => void | Promise<void>,
  timeoutMs = 300_000,
): Promise<DrainResult> {
  const replicas = Array.isArray(gateway) ? gateway : [gateway];
  const first = replicas[0]!;
  const probe = await DbProbe.open(store);
  // A query on PostgreSQL is a round trip to a server the gateway shares: poll it less often.
  const pollMs = typeof store !== "string" && store.kind === "postgres" ? 50 : 20;
  try {
    const messages = await probe.unfinished();
    for (const g of replicas) g.resetPeak();
    const startRssMb = Math.max(...replicas.map((g) => g.memory().rssMb));
    const atStart = await memoryOf(first);
    let top = atStart;
    let lastSample = 0;
    const t0 = performance.now();
    await release();
    // Counting on every poll would cost the server a scan of the backlog the gateway competes with.
    while (await probe.anyUnfinished()) {
      if (performance.now() - lastSample > 250) {
        lastSample = performance.now();
        top = highest(top, await memoryOf(first));
      }
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`drain not finished after ${timeoutMs} ms: ${await probe.unfinished()} left`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      messages,
      seconds,
      perSecond: messages / seconds,
      peakRssMb: Math.max(...replicas.map((g) => g.memory().peakMb)),
      startRssMb,
      memory: atStart && top ? { atStart, highest: top } : undefined,
    };
  } finally {
    probe.close();
  }
}

/** Waits until the database holds `count` messages (a backlog being built). */
export async function waitForBacklog(
  store: StoreLocation | string,
  count: number,
  timeoutMs = 60_000,
): Promise<number> {
  const probe = await DbProbe.open(store);
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const n = await probe.total();
      if (n >= count || performance.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    probe.close();
  }
}
