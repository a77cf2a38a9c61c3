/**
 * @module queue/drain-watch — times a backlog draining: polls the gateway's database until nothing
 * is queued or leased, sampling the process's memory on the way.
 */
import { performance } from "node:perf_hooks";
import type { GatewayProcess } from "../gateway/gateway-process.js";
import { DbProbe } from "./db-probe.js";

/** How a drain went. */
export interface DrainResult {
  messages: number;
  seconds: number;
  perSecond: number;
  /** Peak RSS of the gateway during the drain (VmHWM after a reset), MB. */
  peakRssMb: number;
  /** RSS when the drain started (what building the backlog left), MB. */
  startRssMb: number;
  /** `process.memoryUsage()` of the gateway when the drain started and the highest values seen during it, MB. */
  memory: { atStart: MemoryMb; highest: MemoryMb } | undefined;
}

/** `process.memoryUsage()` in MB. */
export type MemoryMb = Record<"rss" | "heapTotal" | "heapUsed" | "external" | "arrayBuffers", number>;

/** The gateway's own view of its memory (via the bench child's probe route), or undefined. */
export async function memoryOf(gateway: GatewayProcess): Promise<MemoryMb | undefined> {
  try {
    const res = await fetch(`${gateway.url}bench/memory`, { signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return undefined;
    const raw = (await res.json()) as Record<string, number>;
    const mb = (k: string) => Math.round(((raw[k] ?? 0) / 2 ** 20) * 10) / 10;
    return {
      rss: mb("rss"),
      heapTotal: mb("heapTotal"),
      heapUsed: mb("heapUsed"),
      external: mb("external"),
      arrayBuffers: mb("arrayBuffers"),
    };
  } catch {
    return undefined;
  }
}

function highest(a: MemoryMb | undefined, b: MemoryMb | undefined): MemoryMb | undefined {
  if (!a || !b) return a ?? b;
  const out = { ...a };
  for (const k of Object.keys(out) as Array<keyof MemoryMb>) out[k] = Math.max(a[k], b[k]);
  return out;
}

/**
 * Starts the drain with `release()` and waits until the queue is empty (polling every 20 ms).
 * The peak-RSS counter is reset just before, so the peak covers the drain only.
 */
export async function watchDrain(
  gateway: GatewayProcess,
  dbPath: string,
  release: () => void | Promise<void>,
  timeoutMs = 300_000,
): Promise<DrainResult> {
  const probe = new DbProbe(dbPath);
  try {
    const messages = await probe.unfinished();
    gateway.resetPeak();
    const startRssMb = gateway.memory().rssMb;
    const atStart = await memoryOf(gateway);
    let top = atStart;
    let lastSample = 0;
    const t0 = performance.now();
    await release();
    while ((await probe.unfinished()) > 0) {
      if (performance.now() - lastSample > 250) {
        lastSample = performance.now();
        top = highest(top, await memoryOf(gateway));
      }
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`drain not finished after ${timeoutMs} ms: ${await probe.unfinished()} left`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      messages,
      seconds,
      perSecond: messages / seconds,
      peakRssMb: gateway.memory().peakMb,
      startRssMb,
      memory: atStart && top ? { atStart, highest: top } : undefined,
    };
  } finally {
    probe.close();
  }
}

/** Waits until the database holds `count` messages (a backlog being built). */
export async function waitForBacklog(dbPath: string, count: number, timeoutMs = 60_000): Promise<number> {
  const probe = new DbProbe(dbPath);
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
