/**
 * @module scenarios/channel-accept — accept rate of signed `POST /special/send` on the SMS or email
 * gateway under autocannon, on SQLite and on PostgreSQL (one replica), with delivery held at the
 * fake peer so the accept path is measured alone; every 2xx must be a stored row.
 */
import type { BenchOptions } from "../env.js";
import { sendBodies } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure } from "../report/result.js";
import {
  CHANNEL_NAMES,
  CHANNEL_STORES,
  PEER_NAMES,
  RATE_LIMIT_NOTE,
  rowLabel,
  type ChannelKind,
  type Scenario,
} from "./channel-variants.js";
import {
  cpuSeconds,
  loadAverage,
  loadReplicas,
  postgresCpuSeconds,
  skipNote,
  startVariant,
  type StoreVariant,
} from "./store-variants.js";

const WARMUP_S = 3;
const POOL = 2000;

/** The accept scenario of one channel gateway (`accept-sms`, `accept-email`). */
export function channelAcceptScenario(kind: ChannelKind, title: string): Scenario {
  return async (options, log) => {
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    for (const variant of CHANNEL_STORES) {
      const measured = await measure(kind, variant, options, log);
      if (typeof measured === "string") {
        notes.push(measured);
        break;
      }
      const label = rowLabel(kind, variant);
      details[label] = measured;
      const missing = Math.max(0, measured.accepted - measured.stored);
      figures.push(
        figure(`${label}: requests/s`, measured.requestsPerSecond, "req/s"),
        figure(`${label}: latency p50`, measured.p50, "ms"),
        figure(`${label}: latency p99`, measured.p99, "ms"),
        figure(`${label}: gateway CPU per request`, measured.gatewayCpuUs, "µs"),
        ...(variant.store === "postgres"
          ? [figure(`${label}: PostgreSQL server CPU per request`, measured.databaseCpuUs, "µs")]
          : []),
        figure(`${label}: accepted (2xx) but not stored`, missing, "msgs", { text: "0", met: missing === 0 }),
        figure(`${label}: answers other than 2xx`, measured.non2xx + measured.errors, "reqs", {
          text: "0",
          met: measured.non2xx + measured.errors === 0,
        }),
      );
      notes.push(
        `${label}: load average ${measured.loadAverage} at its start; ${measured.accepted} answers 2xx (warm-up included), ${measured.stored} rows stored (more rows than answers are requests in flight when autocannon stopped); non-2xx ${measured.non2xx}, errors ${measured.errors}`,
      );
    }
    notes.push(
      `the ${CHANNEL_NAMES[kind]} gateway against ${PEER_NAMES[kind]}, which holds every delivery: the accepted messages stay queued, so arrival is checked by e2e-${kind} and drain-${kind}, not here; ${options.connections} connections, ${options.durationS} s after ${WARMUP_S} s of warm-up, one tenant, each request one of ${POOL} distinct RS512 tokens (message id null, so every one is queued)`,
      RATE_LIMIT_NOTE,
    );
    return { scenario: title, figures, notes, details };
  };
}

interface Accepted {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  gatewayCpuUs: number;
  databaseCpuUs: number;
  accepted: number;
  stored: number;
  non2xx: number;
  errors: number;
  loadAverage: string;
}

async function measure(
  kind: ChannelKind,
  variant: StoreVariant,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<Accepted | string> {
  const load = loadAverage();
  log(`accept-${kind}: ${variant.label}, load average ${load}`);
  const profileDir = profileDirFor(options.cpuProfileDir, `accept-${kind}-${variant.store}`);
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
      POOL,
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
    const warm = await run(WARMUP_S);
    const databaseUrl = stack.store.kind === "postgres" ? stack.store.url : undefined;
    const cpuBefore = cpuSeconds(stack.gateways);
    const dbBefore = databaseUrl ? postgresCpuSeconds(databaseUrl) : 0;
    const ours = await run(options.durationS);
    const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, ours.ok)) * 1e6);
    const gatewayCpuUs = perRequest(cpuSeconds(stack.gateways) - cpuBefore);
    const databaseCpuUs = databaseUrl ? perRequest(postgresCpuSeconds(databaseUrl) - dbBefore) : 0;
    log(
      `accept-${kind}: ${variant.label} ${Math.round(ours.requestsPerSecond)} req/s, gateway ${gatewayCpuUs} µs, database ${databaseCpuUs} µs CPU per request`,
    );
    const probe = await DbProbe.open(stack.store);
    const stored = await probe.total();
    probe.close();
    if (profileDir) {
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
