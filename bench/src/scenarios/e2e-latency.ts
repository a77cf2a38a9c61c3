/**
 * @module scenarios/e2e-latency — at a fixed rate, the time from the 202 to the fake Bot API
 * receiving the sendMessage call (the HTTP call from the gateway included). Client and fake run in
 * this process, so both times come from one `performance.now()` clock.
 */
import { waitFor } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { sendBodies, startBenchStack, type BenchStack } from "../gateway/bench-stack.js";
import { runFixedRate, type Sent } from "../load/fixed-rate.js";
import { checkExactlyOnce, countMarkers, type DeliveryCheck } from "../report/exactly-once.js";
import { percentiles, type Percentiles } from "../report/stats.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";

const POOL = 3000;
const RATES = [200, 1000, 2000];
/** Issue 17's p99 bound at each rate that has one. */
const P99_TARGET_MS = new Map([
  [1000, 5],
  [2000, 10],
]);

/** Runs the fixed-rate end-to-end latency measurements. */
export async function e2eScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const stack = await startBenchStack({ kind: "telegram" });
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  try {
    const bodies = sendBodies(stack.crm, stack.gateway.url, POOL, (i) => `Latency probe [[e${i}]]`);
    await measureFixedRate(stack, bodies, 200, 2); // warm-up: JIT, sockets, SQLite pages
    for (const rate of RATES) {
      log(`e2e: ${rate} messages/s for ${options.fixedRateS} s`);
      const m = await measureFixedRate(stack, bodies, rate, options.fixedRateS);
      details[`${rate}/s`] = m;
      figures.push(
        figure(`${rate}/s: 202 → fake API p50`, m.fromAccept.p50, "ms"),
        figure(`${rate}/s: 202 → fake API p95`, m.fromAccept.p95, "ms"),
        figure(
          `${rate}/s: 202 → fake API p99`,
          m.fromAccept.p99,
          "ms",
          targetBelow(P99_TARGET_MS.get(rate), m.fromAccept.p99),
        ),
        figure(`${rate}/s: 202 → fake API max`, m.fromAccept.max, "ms"),
        figure(`${rate}/s: request → 202 p99`, m.acceptLatency.p99, "ms"),
      );
      notes.push(
        `${rate}/s: ${m.sent} sent, ${m.accepted} answered 202, ${m.matched} matched at the fake; ${m.beforeAnswer} reached the fake before the client had read the 202 (counted as 0 ms)`,
      );
    }
  } finally {
    await stack.close();
  }
  return { scenario: "2. end-to-end", figures, notes, details };
}

/** Latencies of one fixed-rate run. */
export interface Measurement {
  sent: number;
  accepted: number;
  matched: number;
  beforeAnswer: number;
  fromAccept: Percentiles;
  fromRequest: Percentiles;
  acceptLatency: Percentiles;
  /** Each 202's marker against the fake peer's arrivals in this run. */
  delivery: DeliveryCheck;
}

/** One fixed-rate run against the stack, its requests spread over every replica in turn; the fake peer's arrivals are cleared first. */
export async function measureFixedRate(
  stack: BenchStack,
  bodies: string[],
  rate: number,
  durationS: number,
): Promise<Measurement> {
  stack.peer.arrivals.clear();
  const before = stack.peer.delivered;
  const sent = await runFixedRate({
    url: `${stack.gateway.url}special/send`,
    urls: stack.gateways.map((g) => `${g.url}special/send`),
    headers: { "content-type": "application/json" },
    perSecond: rate,
    durationS,
    bodyFor: (i) => ({ body: bodies[i % bodies.length]!, marker: `e${i % bodies.length}` }),
  });
  const accepted = sent.filter((s) => s.status === 202);
  await waitFor(() => stack.peer.delivered - before >= accepted.length, { timeoutMs: 60_000 });
  return match(accepted, stack.peer.arrivals, sent.length);
}

/**
 * Pairs answers and arrivals per marker in time order: a token is reused only every
 * POOL / rate seconds (≥ 3 s), far longer than any latency measured, so the k-th 202 of a
 * marker belongs to its k-th arrival.
 */
export function match(accepted: Sent[], arrivals: Map<string, number[]>, sentCount: number): Measurement {
  const byMarker = new Map<string, Sent[]>();
  for (const s of accepted) {
    const list = byMarker.get(s.marker);
    if (list) list.push(s);
    else byMarker.set(s.marker, [s]);
  }
  const fromAccept: number[] = [];
  const fromRequest: number[] = [];
  let beforeAnswer = 0;
  for (const [marker, answers] of byMarker) {
    const times = [...(arrivals.get(marker) ?? [])].sort((a, b) => a - b);
    answers.sort((a, b) => a.startedAt - b.startedAt);
    answers.forEach((answer, k) => {
      const at = times[k];
      if (at === undefined) return;
      const d = at - answer.answeredAt;
      if (d < 0) beforeAnswer += 1;
      fromAccept.push(Math.max(0, d));
      fromRequest.push(at - answer.startedAt);
    });
  }
  return {
    sent: sentCount,
    accepted: accepted.length,
    matched: fromAccept.length,
    beforeAnswer,
    fromAccept: percentiles(fromAccept),
    fromRequest: percentiles(fromRequest),
    acceptLatency: percentiles(accepted.map((s) => s.answeredAt - s.startedAt)),
    delivery: checkExactlyOnce(countMarkers(accepted.map((s) => s.marker)), arrivals),
  };
}

/** A "< bound ms" target, or none where the rate has no bound. */
function targetBelow(boundMs: number | undefined, value: number) {
  return boundMs === undefined ? undefined : { text: `< ${boundMs} ms`, met: value < boundMs };
}
