/**
 * @module scenarios/accept — accept rate of signed `POST /special/send` under autocannon, next to
 * Telegram webhook updates on the same gateway and a bare Hono "hello" server under the same load
 * in the same run; every 2xx must be a stored row.
 */
import { fileURLToPath } from "node:url";
import { freePort } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { BENCH_BOT_TOKEN, sendBodies, startBenchStack } from "../gateway/bench-stack.js";
import { GatewayProcess } from "../gateway/gateway-process.js";
import type { LoadResult } from "../load/load-spec.js";
import { runAutocannon } from "../load/run-autocannon.js";
import { DbProbe } from "../queue/db-probe.js";
import { renderProfile, profileDirFor, summariseProfileIn, type ProfileSummary } from "../report/cpu-profile.js";
import { figure, type ScenarioResult } from "../report/result.js";
import { measureAcceptFloor } from "./accept-floor.js";

const HELLO = fileURLToPath(new URL("../load/hello-server.js", import.meta.url));
const WARMUP_S = 3;
const POOL = 2000;
/** Longer than the scenario: the CRM holds every forwarded update, as the Bot API holds every send. */
const CRM_HOLD_MS = 10 * 60_000;

/** Runs the accept-rate comparison. */
export async function acceptScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const profileDir = profileDirFor(options.cpuProfileDir, "accept");
  const stack = await startBenchStack({
    kind: "telegram",
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  // Delivery is held: the accept path is measured alone (the worker fills its 100 slots and waits).
  stack.api.setMode({ kind: "hold" });
  const url = `${stack.gateway.url}special/send`;
  const bodies = sendBodies(stack.crm, stack.gateway.url, POOL, (i) => `Hello from the bench [[a${i}]]`);
  const load = (target: string, durationS: number) =>
    runAutocannon({
      url: target,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: { kind: "pool", bodies },
      connections: options.connections,
      durationS,
    });
  log(`accept: warm-up ${WARMUP_S} s, then ${options.durationS} s with ${options.connections} connections`);
  const warm = await load(url, WARMUP_S);
  const cpuBefore = stack.gateway.cpuByThread();
  const ours = await load(url, options.durationS);
  const cpu = cpuPerRequest(cpuBefore, stack.gateway.cpuByThread(), ours.ok);
  log(`accept: gateway CPU per accepted request by thread (µs): ${JSON.stringify(cpu)}`);
  const accepted = warm.ok + ours.ok;

  // The same gateway, right after: Telegram webhook updates. The CRM holds its answers, so the
  // outbox fills its slots and waits, and the webhook's accept path is measured alone, like sends.
  const hook = stack.api.webhooks.get(BENCH_BOT_TOKEN);
  if (!hook) throw new Error("the gateway set no webhook");
  stack.crm.fail({ delayMs: CRM_HOLD_MS });
  const updates = (firstUpdateId: number, durationS: number) =>
    runAutocannon({
      url: hook.url,
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret },
      body: { kind: "telegram-updates", firstUpdateId, chats: 1000, markerPrefix: "w" },
      connections: options.connections,
      durationS,
    });
  log(`accept: Telegram webhook updates, warm-up ${WARMUP_S} s, then ${options.durationS} s (CRM holds its answers)`);
  const hookWarm = await updates(1_000_000, WARMUP_S);
  const hookCpuBefore = stack.gateway.cpuByThread();
  const hookRun = await updates(10_000_000, options.durationS);
  const hookCpu = cpuPerRequest(hookCpuBefore, stack.gateway.cpuByThread(), hookRun.ok);
  log(`accept: gateway CPU per webhook update by thread (µs): ${JSON.stringify(hookCpu)}`);
  // The generator shares the machine's cores with the gateway: its cost per request is part of
  // any comparison of two phases' rates.
  const generatorUs = (run: typeof ours) => ((run.generatorCpuUs ?? 0) / Math.max(1, run.ok)).toFixed(1);
  const generatorNote = `load generator CPU per request (it shares the cores): send ${generatorUs(ours)} µs, webhook ${generatorUs(hookRun)} µs`;
  log(`accept: ${generatorNote}`);
  const hookAccepted = hookWarm.ok + hookRun.ok;
  const probe = new DbProbe(stack.dbPath);
  const stored = await probe.total();
  // Nothing is delivered while the CRM holds: every answered update is still in the outbox.
  const hookStored = await probe.outboxPending();
  probe.close();
  let profile: ProfileSummary | undefined;
  if (profileDir) {
    await stack.gateway.stop();
    profile = summariseProfileIn(profileDir);
    if (profile) log(renderProfile(profile));
  }
  await stack.close();

  const bare = await measureHello(load, options.durationS, "plain");
  const reading = await measureHello(load, options.durationS, "read-body");
  const incoming = await measureHello(load, options.durationS, "read-incoming");
  log("accept: the floor's parts (RS512 verification, batched insert) in the bench's own process");
  const floorParts = await measureAcceptFloor(bodies, stack.crm.publicKeyPem, options.connections);
  const floorUs = (bare.cpu.total ?? 0) + floorParts.rs512VerifyUs + floorParts.batchedInsertUs;
  const gatewayUs = cpu.total ?? 0;
  const ratio = ours.requestsPerSecond / bare.load.requestsPerSecond;
  // Requests still in flight when autocannon stops are stored but not counted as answered.
  const missing = Math.max(0, accepted - stored);
  const hookMissing = Math.max(0, hookAccepted - hookStored);
  const hookRatio = hookRun.requestsPerSecond / ours.requestsPerSecond;
  return {
    scenario: "1. accept",
    figures: [
      figure("gateway requests/s", ours.requestsPerSecond, "req/s"),
      figure("gateway latency p50", ours.latencyP50Ms, "ms"),
      figure("gateway latency p99", ours.latencyP99Ms, "ms"),
      figure("Telegram webhook updates/s, same gateway", hookRun.requestsPerSecond, "req/s"),
      figure("Telegram webhook latency p99", hookRun.latencyP99Ms, "ms"),
      figure("ratio webhook / signed send", hookRatio * 100, "%", { text: "≥ 100 %", met: hookRatio >= 1 }),
      figure("gateway CPU per webhook update (all threads)", hookCpu.total ?? 0, "µs"),
      figure("bare Hono requests/s", bare.load.requestsPerSecond, "req/s"),
      figure("bare Hono latency p99", bare.load.latencyP99Ms, "ms"),
      figure("ratio gateway / bare Hono", ratio * 100, "%", { text: "≥ 40 %", met: ratio >= 0.4 }),
      figure("gateway CPU per request (all threads)", gatewayUs, "µs"),
      figure("floor: bare Hono + RS512 verify + batched insert", floorUs, "µs"),
      figure("floor: RS512 verification (node:crypto)", floorParts.rs512VerifyUs, "µs"),
      figure(`floor: one message of a ${floorParts.batch}-row insert`, floorParts.batchedInsertUs, "µs"),
      figure("gateway CPU above the floor", gatewayUs - floorUs, "µs"),
      figure("gateway CPU / floor", (gatewayUs / Math.max(1, floorUs)) * 100, "%"),
      figure("gateway CPU per request (JS main thread)", cpu.main ?? 0, "µs"),
      figure("bare Hono CPU per request (all threads)", bare.cpu.total ?? 0, "µs"),
      figure("Hono reading the body, requests/s", reading.load.requestsPerSecond, "req/s"),
      figure("Hono reading the body, CPU per request", reading.cpu.total ?? 0, "µs"),
      figure("Hono reading Node's stream, requests/s", incoming.load.requestsPerSecond, "req/s"),
      figure("Hono reading Node's stream, CPU per request", incoming.cpu.total ?? 0, "µs"),
      figure("CPU-cost ratio bare Hono / gateway", ((bare.cpu.total ?? 0) / Math.max(1, cpu.total ?? 1)) * 100, "%"),
      figure("accepted (2xx) but not in the database", missing, "msgs", { text: "0", met: missing === 0 }),
      figure("webhook updates answered 200 but not stored", hookMissing, "msgs", {
        text: "0",
        met: hookMissing === 0,
      }),
    ],
    notes: [
      `${accepted} answers 2xx (warm-up included), ${stored} rows stored (the difference are requests in flight when autocannon stopped); non-2xx ${ours.non2xx + warm.non2xx}, errors ${ours.errors + warm.errors}`,
      generatorNote,
      `each request carries one of ${POOL} distinct RS512 tokens (message id null, so every one is queued)`,
      `floor: bare Hono's CPU per request in this run, plus one RS512 verification of the same tokens with node:crypto on a cached key and one message's share of SQLite inserts of ${floorParts.batch} rows a transaction, both measured in the bench process`,
      `webhook: ${hookAccepted} updates answered 200 (warm-up included), ${hookStored} stored for the CRM; non-2xx ${hookRun.non2xx + hookWarm.non2xx}, errors ${hookRun.errors + hookWarm.errors}; unique updates from 1000 chats, the CRM holding its answers`,
    ],
    details: {
      gateway: ours,
      cpuPerRequestUs: cpu,
      warmup: warm,
      webhook: hookRun,
      webhookCpuPerRequestUs: hookCpu,
      webhookWarmup: hookWarm,
      webhookStored: hookStored,
      webhookAccepted: hookAccepted,
      bareHono: bare,
      honoReadingBody: reading,
      honoReadingIncoming: incoming,
      floor: { ...floorParts, totalUs: floorUs },
      stored,
      accepted,
      ...(profile ? { profile } : {}),
    },
  };
}

async function measureHello(
  load: (url: string, s: number) => Promise<LoadResult>,
  durationS: number,
  variant: "plain" | "read-body" | "read-incoming",
): Promise<{ load: LoadResult; cpu: Record<string, number> }> {
  const port = await freePort();
  const hello = GatewayProcess.spawn({ script: HELLO, args: [String(port), variant], port, env: {} });
  try {
    await hello.ready();
    await load(hello.url, WARMUP_S);
    const before = hello.cpuByThread();
    const result = await load(hello.url, durationS);
    return { load: result, cpu: cpuPerRequest(before, hello.cpuByThread(), result.ok) };
  } finally {
    await hello.kill();
  }
}

/** CPU microseconds per request of each thread group between two snapshots. */
function cpuPerRequest(
  before: Record<string, number>,
  after: Record<string, number>,
  requests: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [name, seconds] of Object.entries(after)) {
    const used = seconds - (before[name] ?? 0);
    total += used;
    if (used > 0) out[name] = Math.round((used / Math.max(1, requests)) * 1e6);
  }
  out.total = Math.round((total / Math.max(1, requests)) * 1e6);
  return out;
}
