/**
 * @module scenarios/drain-pg — a queued backlog drained through the Telegram gateway and the fake
 * Bot API on SQLite, on PostgreSQL with one replica and with two, each with two tenants: a
 * tenant's sending is owned by one replica at a time, so with two replicas each owns one tenant
 * and both send. The owners are read from the `shards` table before and after the drain.
 */
import type { BenchOptions } from "../env.js";
import type { BenchStack } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { watchDrain } from "../queue/drain-watch.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import { fill } from "./drain.js";
import {
  cpuSeconds,
  loadAverage,
  PG_ONE,
  PG_TWO,
  postgresCpuSeconds,
  skipNote,
  SQLITE,
  startVariant,
  type StoreVariant,
} from "./store-variants.js";

const TENANTS = 2;
/** The target on PostgreSQL. */
const TARGET_PER_SECOND = 3000;
const OWNERS_TIMEOUT_MS = 60_000;

/** Drains the same backlog on each setup. */
export async function drainPgScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  for (const variant of [SQLITE, PG_ONE, PG_TWO]) {
    const load = loadAverage();
    log(`drain-pg: ${variant.label}, ${TENANTS} tenants, load average ${load}`);
    const profileDir = profileDirFor(options.cpuProfileDir, `drain-pg-${variant.store}-${variant.replicas}`);
    const stack = await startVariant(variant, {
      kind: "telegram",
      tenants: TENANTS,
      nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
    });
    if (stack instanceof Error) {
      notes.push(skipNote(stack));
      break;
    }
    try {
      stack.api.setMode({ kind: "hold" });
      const ownersBefore = await settledOwners(stack, variant);
      log(`drain-pg: queueing ${options.drainMessages} messages; owners ${ownersBefore}`);
      const filled = await fill(stack, options.drainMessages, options.connections);
      const databaseUrl = stack.store.kind === "postgres" ? stack.store.url : undefined;
      const cpuBefore = cpuSeconds(stack.gateways);
      const dbBefore = databaseUrl ? postgresCpuSeconds(databaseUrl) : 0;
      log(`drain-pg: releasing the fake Bot API`);
      const drain = await watchDrain(stack.gateways, stack.store, () => {
        stack.api.setMode({ kind: "ok" });
        stack.api.release();
      });
      const perMessage = (seconds: number) => Math.round((seconds / Math.max(1, drain.messages)) * 1e6);
      const gatewayCpuUs = perMessage(cpuSeconds(stack.gateways) - cpuBefore);
      const databaseCpuUs = databaseUrl ? perMessage(postgresCpuSeconds(databaseUrl) - dbBefore) : 0;
      const ownersAfter = await ownersLine(stack);
      log(`drain-pg: ${variant.label} ${Math.round(drain.perSecond)} msg/s; owners after ${ownersAfter}`);
      if (profileDir) {
        await Promise.all(stack.gateways.map((g) => g.stop()));
        const profile = summariseProfileIn(profileDir, 25);
        if (profile) log(renderProfile(profile));
      }
      details[variant.label] = {
        drain,
        filled,
        gatewayCpuUs,
        databaseCpuUs,
        ownersBefore,
        ownersAfter,
        loadAverage: load,
      };
      const target =
        variant.store === "postgres"
          ? { text: `≥ ${TARGET_PER_SECOND}`, met: drain.perSecond >= TARGET_PER_SECOND }
          : undefined;
      figures.push(
        figure(`${variant.label}: messages/s until empty`, drain.perSecond, "msg/s", target),
        figure(`${variant.label}: gateway CPU per message`, gatewayCpuUs, "µs"),
        ...(databaseUrl ? [figure(`${variant.label}: PostgreSQL server CPU per message`, databaseCpuUs, "µs")] : []),
        figure(`${variant.label}: peak RSS while draining (highest replica)`, drain.peakRssMb, "MB"),
        figure(`${variant.label}: fill rate (accept, delivery held)`, filled.perSecond, "req/s"),
      );
      notes.push(
        `${variant.label}: load average ${load} at its start; ${drain.messages} messages in ${drain.seconds.toFixed(2)} s, fake Bot API received ${stack.api.delivered}; sending owned by ${ownersBefore} (after the drain: ${ownersAfter})`,
      );
    } finally {
      await stack.close();
    }
  }
  notes.push(
    `${TENANTS} tenants, each with its own bot, their messages interleaved and posted to every replica; a tenant's sending is owned by one replica at a time (its lease in \`shards\`), so two replicas send in parallel only across tenants; default limits (100 sends in flight per process, 25 per tenant)`,
  );
  return { scenario: "3c. drain on PostgreSQL", figures, notes, details };
}

/**
 * Waits until every tenant has an owner and, with replicas, each replica owns its fair share
 * (one tenant each here); answers who owns what.
 */
async function settledOwners(stack: BenchStack, variant: StoreVariant): Promise<string> {
  if (variant.store !== "postgres") return "the one SQLite process";
  const probe = await DbProbe.open(stack.store);
  try {
    const deadline = Date.now() + OWNERS_TIMEOUT_MS;
    for (;;) {
      const owners = await probe.owners();
      const distinct = new Set(owners.values()).size;
      if (owners.size >= TENANTS && distinct === Math.min(TENANTS, variant.replicas)) break;
      if (Date.now() > deadline)
        throw new Error(`tenants not shared out after ${OWNERS_TIMEOUT_MS} ms: ${JSON.stringify([...owners])}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    probe.close();
  }
  return ownersLine(stack);
}

/** "tenant 1 → replica 1, tenant 2 → replica 2", replicas numbered by start order (found by pid in the replica's id). */
async function ownersLine(stack: BenchStack): Promise<string> {
  if (stack.store.kind !== "postgres") return "the one SQLite process";
  const probe = await DbProbe.open(stack.store);
  try {
    const owners = await probe.owners();
    const replicaOf = (owner: string) => {
      const n = stack.gateways.findIndex((g) => owner.includes(`-${g.child.pid}-`));
      return n >= 0 ? `replica ${n + 1}` : owner;
    };
    return [...owners]
      .sort((a, b) => a[0] - b[0])
      .map(([tenant, owner]) => `tenant ${tenant} → ${replicaOf(owner)}`)
      .join(", ");
  } finally {
    probe.close();
  }
}
