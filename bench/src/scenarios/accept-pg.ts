/**
 * @module scenarios/accept-pg — accept rate of signed `POST /special/send` on SQLite, then on
 * PostgreSQL with one replica and with two (the connections split between them), back to back in
 * one scenario so the ratio compares the same minutes of a shared machine; every 2xx must be a
 * stored row. The Bot API holds every send, so the accept path is measured alone.
 */
import type { BenchOptions } from "../env.js";
import { sendBodies } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import {
  cpuSeconds,
  loadAverage,
  loadReplicas,
  PG_ONE,
  PG_TWO,
  postgresCpuSeconds,
  skipNote,
  SQLITE,
  startVariant,
  type StoreVariant,
} from "./store-variants.js";

const WARMUP_S = 3;
const POOL = 2000;
/** The target: PostgreSQL accepts at least half of SQLite's rate in the same run. */
const TARGET_RATIO = 0.5;

interface Accepted {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Gateway CPU (every replica, all threads) and database server CPU per accepted request, µs. */
  gatewayCpuUs: number;
  databaseCpuUs: number;
  accepted: number;
  stored: number;
  non2xx: number;
  errors: number;
  loadAverage: string;
}

/** Runs SQLite, PostgreSQL ×1 and PostgreSQL ×2 under the same load. */
export async function acceptPgScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  let sqlite: Accepted | undefined;
  for (const variant of [SQLITE, PG_ONE, PG_TWO]) {
    const measured = await measure(variant, options, log);
    if (typeof measured === "string") {
      notes.push(measured);
      break;
    }
    details[variant.label] = measured;
    if (variant === SQLITE) sqlite = measured;
    const missing = Math.max(0, measured.accepted - measured.stored);
    figures.push(figure(`${variant.label}: requests/s`, measured.requestsPerSecond, "req/s"));
    if (sqlite && variant !== SQLITE) {
      const ratio = measured.requestsPerSecond / sqlite.requestsPerSecond;
      figures.push(
        figure(`${variant.label}: ratio to SQLite`, ratio * 100, "%", { text: "≥ 50 %", met: ratio >= TARGET_RATIO }),
      );
    }
    figures.push(
      figure(`${variant.label}: latency p99`, measured.p99, "ms"),
      figure(`${variant.label}: gateway CPU per request`, measured.gatewayCpuUs, "µs"),
      ...(variant.store === "postgres"
        ? [figure(`${variant.label}: PostgreSQL server CPU per request`, measured.databaseCpuUs, "µs")]
        : []),
      figure(`${variant.label}: accepted (2xx) but not stored`, missing, "msgs", { text: "0", met: missing === 0 }),
    );
    notes.push(
      `${variant.label}: load average ${measured.loadAverage} at its start; ${measured.accepted} answers 2xx (warm-up included), ${measured.stored} rows stored; non-2xx ${measured.non2xx}, errors ${measured.errors}`,
    );
  }
  notes.push(
    `${options.connections} connections (split evenly between the replicas), ${options.durationS} s after ${WARMUP_S} s of warm-up, one tenant (owned by one replica: the other stores and NOTIFYs it); the Bot API holds every send`,
  );
  return { scenario: "1b. accept on PostgreSQL", figures, notes, details };
}

async function measure(
  variant: StoreVariant,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<Accepted | string> {
  const load = loadAverage();
  log(`accept-pg: ${variant.label}, load average ${load}`);
  const profileDir = profileDirFor(options.cpuProfileDir, `accept-pg-${variant.store}-${variant.replicas}`);
  const stack = await startVariant(variant, {
    kind: "telegram",
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  if (stack instanceof Error) return skipNote(stack);
  try {
    stack.api.setMode({ kind: "hold" });
    const bodies = sendBodies(stack.crm, stack.gateway.url, POOL, (i) => `Hello from the bench [[a${i}]]`);
    const run = (durationS: number) =>
      loadReplicas(stack.gateways, "special/send", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: { kind: "pool", bodies },
        connections: options.connections,
        durationS,
      });
    const warm = await run(WARMUP_S);
    const databaseUrl = stack.store.kind === "postgres" ? stack.store.url : undefined;
    const cpuBefore = cpuSeconds(stack.gateways);
    const dbBefore = databaseUrl ? postgresCpuSeconds(databaseUrl) : 0;
    const ours = await run(options.durationS);
    const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, ours.ok)) * 1e6);
    const gatewayCpuUs = perRequest(cpuSeconds(stack.gateways) - cpuBefore);
    const databaseCpuUs = databaseUrl ? perRequest(postgresCpuSeconds(databaseUrl) - dbBefore) : 0;
    log(
      `accept-pg: ${variant.label} ${Math.round(ours.requestsPerSecond)} req/s (per replica ${ours.perReplica.map((r) => Math.round(r.requestsPerSecond)).join(" + ")}), gateway ${gatewayCpuUs} µs, database ${databaseCpuUs} µs CPU per request`,
    );
    const probe = await DbProbe.open(stack.store);
    const stored = await probe.total();
    probe.close();
    if (profileDir) {
      // Profiles are written at a graceful exit; the first replica's is summarised.
      await Promise.all(stack.gateways.map((g) => g.stop()));
      const profile = summariseProfileIn(profileDir);
      if (profile) log(renderProfile(profile));
    }
    return {
      requestsPerSecond: ours.requestsPerSecond,
      p50: ours.latencyP50Ms,
      p99: ours.latencyP99Ms,
      gatewayCpuUs,
      databaseCpuUs,
      accepted: warm.ok + ours.ok,
      stored,
      non2xx: warm.non2xx + ours.non2xx,
      errors: warm.errors + ours.errors,
      loadAverage: load,
    };
  } finally {
    await stack.close();
  }
}
