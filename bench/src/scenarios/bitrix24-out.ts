/**
 * @module scenarios/bitrix24-out — operator → customer through the Bitrix24 host: the fake portal's
 * ONIMCONNECTORMESSAGEADD events posted to the Telegram gateway's `bitrix24/events`, on SQLite and on
 * PostgreSQL. At fixed rates, the time from the event's 200 to the fake Bot API receiving the
 * sendMessage; then a backlog: events accepted per second while the Bot API holds every send, and
 * messages per second until the queue is empty. Every operator message must reach Telegram exactly
 * once with its words whole, and its delivery status the portal.
 */
import { waitFor } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { runFixedRate } from "../load/fixed-rate.js";
import { runAutocannon } from "../load/run-autocannon.js";
import { DbProbe } from "../queue/db-probe.js";
import { watchDrain } from "../queue/drain-watch.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import { assertOnce, batchingOf, exactlyOnce, messageTexts, type PortalCall } from "./bitrix24-checks.js";
import {
  buildOperatorEvents,
  EVENT_HEADERS,
  startBitrix24Bench,
  type Bitrix24Bench,
  type OperatorEvent,
} from "./bitrix24-setup.js";
import { match } from "./e2e-latency.js";
import { cpuSeconds, loadAverage, PG_ONE, skipNote, SQLITE } from "./store-variants.js";

const RATES = [200, 1000];
const WARMUP = { rate: 200, seconds: 2 };

/** Runs the operator → customer measurements on SQLite and PostgreSQL. */
export async function bitrix24OutScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  for (const variant of [SQLITE, PG_ONE]) {
    const load = loadAverage();
    log(`bitrix24-out: ${variant.label}, load average ${load}`);
    const profileDir = profileDirFor(options.cpuProfileDir, `bitrix24-out-${variant.store}`);
    const bench = await startBitrix24Bench(variant, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
    if (bench instanceof Error) {
      notes.push(skipNote(bench));
      break;
    }
    const label = variant.label;
    const sent: OperatorEvent[] = [];
    try {
      const { api } = bench.s.stack;
      const warm = await buildOperatorEvents(bench, "w", WARMUP.rate * WARMUP.seconds);
      await postAtRate(bench, warm.events, WARMUP.rate, WARMUP.seconds);
      sent.push(...warm.events);
      for (const rate of RATES) {
        const built = await buildOperatorEvents(bench, `r${rate}x`, Math.round(rate * options.fixedRateS));
        log(`bitrix24-out: ${label}, ${rate} events/s for ${options.fixedRateS} s`);
        const m = await postAtRate(bench, built.events, rate, options.fixedRateS);
        sent.push(...built.events);
        details[`${label} ${rate}/s`] = m;
        figures.push(
          figure(`${label}: ${rate}/s event 200 → fake API p50`, m.fromAccept.p50, "ms"),
          figure(`${label}: ${rate}/s event 200 → fake API p99`, m.fromAccept.p99, "ms"),
          figure(`${label}: ${rate}/s event 200 → fake API max`, m.fromAccept.max, "ms"),
          figure(`${label}: ${rate}/s event post → 200 p99`, m.acceptLatency.p99, "ms"),
        );
        notes.push(
          `${label} at ${rate}/s: ${m.sent} events posted, ${m.accepted} answered 200, ${m.matched} matched at the fake Bot API; ${m.beforeAnswer} reached it before the poster had read the 200 (counted as 0 ms)`,
        );
      }

      const count = options.bitrix24Messages;
      const backlog = await buildOperatorEvents(bench, "b", count);
      log(`bitrix24-out: ${label}, ${count} events posted while the fake Bot API holds every send`);
      api.setMode({ kind: "hold" });
      const probe = await DbProbe.open(bench.s.stack.store);
      const before = await probe.total().finally(() => probe.close());
      const cpuBefore = cpuSeconds(bench.s.stack.gateways);
      const accepted = await runAutocannon({
        url: backlog.events[0]!.url,
        method: "POST",
        headers: EVENT_HEADERS,
        body: { kind: "pool", bodies: backlog.events.map((e) => e.body) },
        connections: options.connections,
        durationS: 600,
        amount: count,
      });
      sent.push(...backlog.events);
      if (accepted.ok !== count)
        throw new Error(
          `${accepted.ok} of ${count} events answered 2xx (${accepted.non2xx} non-2xx, ${accepted.errors} errors)`,
        );
      // autocannon's own average is over whole-second samples: too coarse for a run of a fixed amount.
      const acceptRate = accepted.ok / accepted.durationS;
      await waitForRows(bench, before + count);
      log(`bitrix24-out: ${label}, releasing the fake Bot API`);
      const drain = await watchDrain(bench.s.stack.gateways, bench.s.stack.store, () => {
        api.setMode({ kind: "ok" });
        api.release();
      });
      const gatewayCpuUs = ((cpuSeconds(bench.s.stack.gateways) - cpuBefore) / count) * 1e6;
      const statuses = await settle(bench, sent);
      const check = verify(bench, sent);
      details[label] = { accepted, acceptRate, drain, gatewayCpuUs, statuses, check, loadAverage: load };
      figures.push(
        figure(`${label}: events accepted/s (sends held)`, acceptRate, "req/s"),
        figure(`${label}: backlog drained to Telegram`, drain.perSecond, "msg/s"),
        figure(`${label}: gateway CPU per operator message (accept and send)`, gatewayCpuUs, "µs"),
        figure(`${label}: peak RSS while draining`, drain.peakRssMb, "MB"),
        figure(`${label}: delivery statuses per send.status.delivery call, mean`, statuses.mean, "msg"),
        figure(`${label}: delivery statuses per send.status.delivery call, max`, statuses.max, "msg"),
        figure(`${label}: fake portal CPU to build one event`, backlog.fakeCpuUsPerEvent, "µs"),
      );
      notes.push(
        `${label}: load average ${load} at its start; backlog of ${count} events answered 200 at ${Math.round(acceptRate)}/s in ${accepted.durationS} s, drained in ${drain.seconds.toFixed(2)} s; ${check.messages} operator messages in all reached Telegram exactly once with their words whole, each one's delivery status reached the portal (${statuses.calls} send.status.delivery calls, ${check.statusesRepeated} statuses repeated)`,
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
    "events built by the testkit's fake portal (its drop mode records each form-encoded ONIMCONNECTORMESSAGEADD without posting it) and posted by the fixed-rate client or autocannon: the portal's own one-by-one posting is not what is measured",
    "one portal, one Open Line, 50 customers; each operator message is answered by its own send.status.delivery element, coalesced per line",
  );
  return { scenario: "5a. Bitrix24 operator → customer", figures, notes, details };
}

/** Posts `events` at `rate` and pairs each 200 with its arrival at the fake Bot API. */
async function postAtRate(bench: Bitrix24Bench, events: OperatorEvent[], rate: number, seconds: number) {
  const { api } = bench.s.stack;
  const sent = await runFixedRate({
    url: events[0]!.url,
    headers: EVENT_HEADERS,
    perSecond: rate,
    durationS: seconds,
    bodyFor: (i) => ({ body: events[i]!.body, marker: events[i]!.marker }),
  });
  const accepted = sent.filter((s) => s.status === 200);
  if (accepted.length !== sent.length) throw new Error(`${sent.length - accepted.length} events not answered 200`);
  await waitFor(() => accepted.every((s) => api.timesDelivered(s.marker) > 0), { timeoutMs: 120_000 });
  return match(accepted, api.arrivals, sent.length);
}

/** Waits until the gateway's queue holds `rows` messages in all. */
async function waitForRows(bench: Bitrix24Bench, rows: number): Promise<void> {
  const probe = await DbProbe.open(bench.s.stack.store);
  try {
    await waitFor(async () => (await probe.total()) >= rows, { timeoutMs: 120_000 });
  } finally {
    probe.close();
  }
}

/** Waits until every delivery status reached the portal and the outbox is empty; answers their batching. */
async function settle(bench: Bitrix24Bench, sent: OperatorEvent[]) {
  const { portal } = bench.line;
  const probe = await DbProbe.open(bench.s.stack.store);
  try {
    await waitFor(
      async () => {
        const delivered = new Set(portal.deliveries().map((d) => d.imMessageId));
        return sent.every((e) => delivered.has(e.imMessageId)) && (await probe.outboxPending()) === 0;
      },
      { timeoutMs: 120_000 },
    );
  } finally {
    probe.close();
  }
  const calls = (bench.s.b24.calls("imconnector.send.status.delivery") as PortalCall[])
    .filter((c) => c.status === 200)
    .map((c) => ({ at: c.at, messages: messageTexts(c.params).length }));
  return batchingOf(calls);
}

/** Every operator message at Telegram exactly once, whole; every one's delivery status at the portal. */
function verify(bench: Bitrix24Bench, sent: OperatorEvent[]) {
  const { api } = bench.s.stack;
  const ok = api.calls.filter((c) => c.outcome === "ok" && c.token === bench.line.botToken);
  assertOnce(
    "operator messages at the fake Bot API",
    exactlyOnce(
      sent.map((e) => e.marker),
      ok.map((c) => c.marker),
    ),
  );
  const words = new Map(sent.map((e) => [e.marker, e.words]));
  const broken = ok.filter((c) => !c.text.includes(words.get(c.marker)!));
  if (broken.length)
    throw new Error(`${broken.length} operator messages arrived changed, e.g. ${JSON.stringify(broken[0])}`);
  const statuses = exactlyOnce(
    sent.map((e) => String(e.imMessageId)),
    bench.line.portal
      .deliveries()
      .filter((d) => d.kind === "delivery")
      .map((d) => String(d.imMessageId)),
  );
  // A status is sent at least once (an answer lost to a retry repeats it); a missing one is a failure.
  assertOnce("delivery statuses at the portal", { ...statuses, repeated: [] });
  return { messages: sent.length, statusesRepeated: statuses.repeated.length };
}
