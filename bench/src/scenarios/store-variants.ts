/**
 * @module scenarios/store-variants — what the PostgreSQL scenarios (accept-pg, e2e-pg, drain-pg)
 * share: the setups they compare (SQLite, PostgreSQL with one replica, with two), starting one
 * with a skip note where PostgreSQL is missing, load split over the replicas, and the load average.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { PostgresUnavailableError } from "@switchboard/testkit/postgres";
import { startBenchStack, type BenchStack, type BenchStackOptions } from "../gateway/bench-stack.js";
import type { GatewayProcess } from "../gateway/gateway-process.js";
import type { LoadResult, LoadSpec } from "../load/load-spec.js";
import { runAutocannon } from "../load/run-autocannon.js";

/** One setup a PostgreSQL scenario measures. */
export interface StoreVariant {
  /** Figure prefix: `SQLite`, `PostgreSQL ×1`, `PostgreSQL ×2`. */
  label: string;
  store: "sqlite" | "postgres";
  replicas: number;
}

export const SQLITE: StoreVariant = { label: "SQLite", store: "sqlite", replicas: 1 };
export const PG_ONE: StoreVariant = { label: "PostgreSQL ×1", store: "postgres", replicas: 1 };
export const PG_TWO: StoreVariant = { label: "PostgreSQL ×2", store: "postgres", replicas: 2 };

/** The note a scenario prints once when there is no PostgreSQL to measure. */
export function skipNote(error: PostgresUnavailableError): string {
  return `PostgreSQL skipped: ${error.message}`;
}

/** Starts `variant`'s stack, or answers the skip error when PostgreSQL is unavailable here. */
export async function startVariant(
  variant: StoreVariant,
  options: Omit<BenchStackOptions, "store" | "replicas">,
): Promise<BenchStack | PostgresUnavailableError> {
  try {
    return await startBenchStack({ ...options, store: variant.store, replicas: variant.replicas });
  } catch (error) {
    if (error instanceof PostgresUnavailableError) return error;
    throw error;
  }
}

/** The 1-, 5- and 15-minute load averages, for the log and the notes (the machine is shared). */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/**
 * Runs one autocannon per replica at the same time, the connections split between them, and
 * answers the sum (rates, counts) and the worst latencies.
 */
export async function loadReplicas(
  gateways: readonly GatewayProcess[],
  path: string,
  spec: Omit<LoadSpec, "url">,
): Promise<LoadResult & { perReplica: LoadResult[] }> {
  const connections = Math.max(1, Math.ceil(spec.connections / gateways.length));
  // An amount is split exactly: the first replica takes the remainder.
  const share = (n: number) =>
    spec.amount === undefined
      ? {}
      : { amount: Math.floor(spec.amount / gateways.length) + (n === 0 ? spec.amount % gateways.length : 0) };
  const perReplica = await Promise.all(
    gateways.map((g, n) => runAutocannon({ ...spec, url: `${g.url}${path}`, connections, ...share(n) })),
  );
  const sum = (pick: (r: LoadResult) => number) => perReplica.reduce((a, r) => a + pick(r), 0);
  const max = (pick: (r: LoadResult) => number) => Math.max(...perReplica.map(pick));
  return {
    requestsPerSecond: sum((r) => r.requestsPerSecond),
    // Replicas take the same load: the worse one's percentile bounds the pair's.
    latencyP50Ms: max((r) => r.latencyP50Ms),
    latencyP99Ms: max((r) => r.latencyP99Ms),
    latencyMaxMs: max((r) => r.latencyMaxMs),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    durationS: max((r) => r.durationS),
    generatorCpuUs: sum((r) => r.generatorCpuUs ?? 0),
    perReplica,
  };
}

/** CPU seconds every replica used so far (all threads). */
export function cpuSeconds(gateways: readonly GatewayProcess[]): number {
  return gateways.reduce((total, g) => total + Object.values(g.cpuByThread()).reduce((a, b) => a + b, 0), 0);
}

/** USER_HZ on Linux. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds the PostgreSQL server at `url` used so far: its postmaster (found by its `-p <port>`)
 * and its live children (the connections' backends, the WAL writer, the checkpointer). 0 when it
 * cannot be found (a server that is not ours, no /proc).
 */
export function postgresCpuSeconds(url: string): number {
  const port = new URL(url).port;
  const stats = new Map<number, { ppid: number; seconds: number }>();
  let postmaster: number | undefined;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), {
        ppid: Number(fields[1]),
        seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
      });
      if (postmaster === undefined && stat.includes("(postgres)")) {
        const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        const p = args.indexOf("-p");
        if (p >= 0 && args[p + 1] === port) postmaster = Number(pid);
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
  if (postmaster === undefined) return 0;
  let total = 0;
  for (const [pid, s] of stats) if (pid === postmaster || s.ppid === postmaster) total += s.seconds;
  return total;
}
