/**
 * @module scenarios/accept-measure — one accept measurement of signed `POST /special/send` under
 * autocannon on one store variant, delivery held at the fake peer so the accept path is measured
 * alone: the rate, latency, CPU per request (gateway and PostgreSQL server) and the rows stored.
 * Shared by `accept-pg` (Telegram) and `accept-sms` / `accept-email`.
 */
import type { BenchGatewayKind, BenchOptions } from "../env.js";
import { sendBodies } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import {
  cpuSeconds,
  loadAverage,
  loadReplicas,
  postgresCpuSeconds,
  skipNote,
  startVariant,
  type StoreVariant,
} from "./store-variants.js";

/** Seconds of autocannon before the measured run. */
export const ACCEPT_WARMUP_S = 3;
/** Distinct pre-signed requests the load cycles through. */
export const ACCEPT_POOL = 2000;

/** What one accept measurement found. */
export interface Accepted {
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

/**
 * Measures accepting on `variant` for `kind`'s gateway; `name` prefixes the progress lines and
 * `profileName` names the CPU profile's folder. A skip note (string) where the store is missing.
 */
export async function measureAccept(
  variant: StoreVariant,
  options: BenchOptions,
  log: (line: string) => void,
  { kind, name, profileName }: { kind: BenchGatewayKind; name: string; profileName: string },
): Promise<Accepted | string> {
  const load = loadAverage();
  log(`${name}: ${variant.label}, load average ${load}`);
  const profileDir = profileDirFor(options.cpuProfileDir, profileName);
  const stack = await startVariant(variant, {
    kind,
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  if (stack instanceof Error) return skipNote(stack);
  try {
    stack.peer.setMode({ kind: "hold" });
    const bodies = sendBodies(
      stack.crm,
      stack.gateway.url,
      ACCEPT_POOL,
      (i) => `Hello from the bench [[a${i}]]`,
      stack.tenants[0],
      kind,
    );
    const run = (durationS: number) =>
      loadReplicas(stack.gateways, "special/send", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: { kind: "pool", bodies },
        connections: options.connections,
        durationS,
      });
    const warm = await run(ACCEPT_WARMUP_S);
    const databaseUrl = stack.store.kind === "postgres" ? stack.store.url : undefined;
    const cpuBefore = cpuSeconds(stack.gateways);
    const dbBefore = databaseUrl ? postgresCpuSeconds(databaseUrl) : 0;
    const ours = await run(options.durationS);
    const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, ours.ok)) * 1e6);
    const gatewayCpuUs = perRequest(cpuSeconds(stack.gateways) - cpuBefore);
    const databaseCpuUs = databaseUrl ? perRequest(postgresCpuSeconds(databaseUrl) - dbBefore) : 0;
    log(
      `${name}: ${variant.label} ${Math.round(ours.requestsPerSecond)} req/s (per replica ${ours.perReplica.map((r) => Math.round(r.requestsPerSecond)).join(" + ")}), gateway ${gatewayCpuUs} µs, database ${databaseCpuUs} µs CPU per request`,
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
