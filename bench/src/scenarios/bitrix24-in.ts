/**
 * @module scenarios/bitrix24-in — customer → operator through the Bitrix24 host: Telegram webhook
 * updates to the line's bot, forwarded into the fake portal's Open Line with
 * `imconnector.send.messages`, on SQLite and on PostgreSQL. At fixed rates, the time from the
 * webhook's 200 to the portal receiving the call; then a backlog posted by autocannon: updates
 * accepted per second and messages per second into the line. How many messages each
 * `send.messages` call carried (mean, max) and calls per second show the batching. Every customer
 * message must be in the line exactly once and whole.
 */
import { performance } from "node:perf_hooks";
import { waitFor } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { runFixedRate, type Sent } from "../load/fixed-rate.js";
import { telegramUpdate } from "../load/load-spec.js";
import { runAutocannon } from "../load/run-autocannon.js";
import { DbProbe } from "../queue/db-probe.js";
import { percentiles } from "../report/stats.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import {
  assertOnce,
  batchingOf,
  exactlyOnce,
  markerIn,
  PortalArrivals,
  unescapedText,
  type PortalCall,
} from "./bitrix24-checks.js";
import { measurePortalCost } from "./bitrix24-portal-cost.js";
import { BITRIX24_CHATS, FIRST_CUSTOMER, startBitrix24Bench, type Bitrix24Bench } from "./bitrix24-setup.js";
import { cpuSeconds, loadAverage, PG_ONE, skipNote, SQLITE } from "./store-variants.js";

const RATES = [200, 1000];
const WARMUP = { rate: 200, seconds: 2 };
const SEND_MESSAGES = "imconnector.send.messages";

/** Runs the customer → operator measurements on SQLite and PostgreSQL. */
export async function bitrix24InScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  for (const variant of [SQLITE, PG_ONE]) {
    const load = loadAverage();
    log(`bitrix24-in: ${variant.label}, load average ${load}`);
    const profileDir = profileDirFor(options.cpuProfileDir, `bitrix24-in-${variant.store}`);
    const bench = await startBitrix24Bench(variant, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
    if (bench instanceof Error) {
      notes.push(skipNote(bench));
      break;
    }
    const label = variant.label;
    try {
      const arrivals = new PortalArrivals(
        bench.s.b24.state.calls as PortalCall[],
        SEND_MESSAGES,
        performance.timeOrigin,
      ).update();
      // The fake portal alone first: its cost per call beside the call rate the gateway reaches below.
      const portal = await measurePortalCost(bench);
      details[`${label} fake portal alone`] = portal;
      figures.push(
        figure(
          `${label}: fake portal alone, send.messages of ${portal.messagesPerCall}, one at a time`,
          portal.callsPerSecond,
          "calls/s",
        ),
        figure(`${label}: fake portal alone, bench CPU per call`, portal.cpuUsPerCall, "µs"),
      );
      const expected: string[] = [];
      let nextUpdate = 1_000;
      const atRate = async (prefix: string, rate: number, seconds: number) => {
        const first = nextUpdate;
        const run = await postAtRate(bench, arrivals, prefix, first, rate, seconds);
        nextUpdate += run.sent;
        expected.push(...Array.from({ length: run.sent }, (_, i) => `${prefix}${first + i}`));
        return run;
      };
      await atRate("w", WARMUP.rate, WARMUP.seconds);
      for (const rate of RATES) {
        log(`bitrix24-in: ${label}, ${rate} updates/s for ${options.fixedRateS} s`);
        const m = await atRate(`r${rate}x`, rate, options.fixedRateS);
        details[`${label} ${rate}/s`] = m;
        figures.push(
          figure(`${label}: ${rate}/s webhook 200 → portal p50`, m.latency.p50, "ms"),
          figure(`${label}: ${rate}/s webhook 200 → portal p99`, m.latency.p99, "ms"),
          figure(`${label}: ${rate}/s webhook 200 → portal max`, m.latency.max, "ms"),
          figure(`${label}: ${rate}/s messages per send.messages call, mean`, m.batching.mean, "msg"),
          figure(`${label}: ${rate}/s messages per send.messages call, max`, m.batching.max, "msg"),
          figure(`${label}: ${rate}/s send.messages calls/s`, m.batching.callsPerSecond, "calls/s"),
        );
        notes.push(
          `${label} at ${rate}/s: ${m.sent} updates, all answered 200 and in the line; ${m.batching.calls} send.messages calls`,
        );
      }

      const count = options.bitrix24Messages;
      const firstUpdateId = nextUpdate;
      log(`bitrix24-in: ${label}, ${count} updates by autocannon`);
      const cpuBefore = cpuSeconds(bench.s.stack.gateways);
      const benchCpu = process.cpuUsage();
      const t0 = performance.now();
      const posted = await runAutocannon({
        url: bench.hook.url,
        method: "POST",
        headers: bench.hook.headers,
        body: { kind: "telegram-updates", firstUpdateId, chats: BITRIX24_CHATS, markerPrefix: "u" },
        connections: options.connections,
        durationS: 600,
        amount: count,
      });
      if (posted.ok !== count)
        throw new Error(
          `${posted.ok} of ${count} updates answered 2xx (${posted.non2xx} non-2xx, ${posted.errors} errors)`,
        );
      // autocannon's own average is over whole-second samples: too coarse for a run of a fixed amount.
      const acceptRate = posted.ok / posted.durationS;
      const backlog = Array.from({ length: count }, (_, i) => `u${firstUpdateId + i}`);
      expected.push(...backlog);
      await waitFor(
        () => {
          arrivals.update();
          return backlog.every((m) => arrivals.arrivals.has(m));
        },
        { timeoutMs: 300_000 },
      );
      const last = Math.max(...backlog.map((m) => arrivals.arrivals.get(m)![0]!));
      const used = process.cpuUsage(benchCpu);
      const gatewayCpuUs = ((cpuSeconds(bench.s.stack.gateways) - cpuBefore) / count) * 1e6;
      const forwarded = count / ((last - t0) / 1000);
      const batching = batchingOf(arrivals.callsSince(t0));
      const fakeCpuUsPerCall = (used.user + used.system) / Math.max(1, batching.calls);
      await waitForEmptyOutbox(bench);
      const check = verify(bench, expected);
      details[label] = {
        load: posted,
        acceptRate,
        forwarded,
        batching,
        gatewayCpuUs,
        fakeCpuUsPerCall,
        check,
        loadAverage: load,
      };
      figures.push(
        figure(`${label}: webhook updates accepted/s`, acceptRate, "req/s"),
        figure(`${label}: forwarded into the Open Line/s`, forwarded, "msg/s"),
        figure(`${label}: backlog messages per send.messages call, mean`, batching.mean, "msg"),
        figure(`${label}: backlog messages per send.messages call, max`, batching.max, "msg"),
        figure(`${label}: backlog send.messages calls/s`, batching.callsPerSecond, "calls/s"),
        figure(`${label}: gateway CPU per customer message (webhook and forwarding)`, gatewayCpuUs, "µs"),
        figure(`${label}: bench process CPU per send.messages call (fake portal)`, fakeCpuUsPerCall, "µs"),
      );
      notes.push(
        `${label}: load average ${load} at its start; ${count} updates answered 200 at ${Math.round(acceptRate)}/s in ${posted.durationS} s, in the line after ${((last - t0) / 1000).toFixed(2)} s in ${batching.calls} send.messages calls; ${check.messages} customer messages in all reached the line exactly once and whole`,
      );
      if (profileDir) {
        // The profile covers the gateway's whole life: setup, the fixed-rate runs and the backlog.
        await bench.s.stack.gateway.stop();
        const profile = summariseProfileIn(profileDir, 25);
        if (profile) log(renderProfile(profile));
      }
    } finally {
      await bench.close();
    }
  }
  notes.push(
    "rate limits off: Telegram's (the bench child drops them), ours per portal (BITRIX24_RATE_*) and the fake portal's bucket set far above the load",
    "one portal, one Open Line, 50 customers; the fake portal (testkit) runs in the bench process and stamps each call when it starts handling it; the host coalesces the deliveries that start in one event-loop turn into one send.messages call per line (at most 50 elements), and core's outbox has at most SWITCHBOARD_OUTBOX_CLUSTER_LIMIT (default 8) deliveries in flight per portal: that bounds the elements per call",
  );
  return { scenario: "5b. Bitrix24 customer → operator", figures, notes, details };
}

/** Posts updates at `rate` and times each 200 to the portal's send.messages call carrying it. */
async function postAtRate(
  bench: Bitrix24Bench,
  arrivals: PortalArrivals,
  prefix: string,
  firstUpdate: number,
  rate: number,
  seconds: number,
) {
  const since = performance.now();
  const sent: Sent[] = await runFixedRate({
    url: bench.hook.url,
    headers: bench.hook.headers,
    perSecond: rate,
    durationS: seconds,
    bodyFor: (i) => {
      const marker = `${prefix}${firstUpdate + i}`;
      return { body: telegramUpdate(firstUpdate + i, FIRST_CUSTOMER + (i % BITRIX24_CHATS), marker), marker };
    },
  });
  const refused = sent.filter((s) => s.status !== 200);
  if (refused.length) throw new Error(`${refused.length} updates not answered 200 (e.g. ${refused[0]!.status})`);
  await waitFor(
    () => {
      arrivals.update();
      return sent.every((s) => arrivals.arrivals.has(s.marker));
    },
    { timeoutMs: 120_000 },
  );
  const latency = percentiles(sent.map((s) => Math.max(0, arrivals.arrivals.get(s.marker)![0]! - s.answeredAt)));
  return { sent: sent.length, latency, batching: batchingOf(arrivals.callsSince(since)) };
}

async function waitForEmptyOutbox(bench: Bitrix24Bench): Promise<void> {
  const probe = await DbProbe.open(bench.s.stack.store);
  try {
    await waitFor(async () => (await probe.outboxPending()) === 0, { timeoutMs: 120_000 });
  } finally {
    probe.close();
  }
}

/** Every customer message in the line exactly once, its text whole. */
function verify(bench: Bitrix24Bench, expected: string[]) {
  const received = bench.line.portal
    .messages({ line: bench.line.line })
    .filter((m) => !m.chatId.startsWith("probe-") && !markerIn(m.text)?.startsWith("first"));
  assertOnce(
    "customer messages in the Open Line",
    exactlyOnce(
      expected,
      received.map((m) => markerIn(m.text) ?? ""),
    ),
  );
  const broken = received.filter((m) => unescapedText(m.text) !== `hello [[${markerIn(m.text)}]]`);
  if (broken.length)
    throw new Error(`${broken.length} customer messages arrived changed, e.g. ${JSON.stringify(broken[0]?.text)}`);
  return { messages: expected.length };
}
