/**
 * @module scenarios/e2e-pg — end-to-end latency at a fixed rate (202 → the fake Bot API receiving
 * the sendMessage) on SQLite, then on PostgreSQL with one replica and with two. With two, the
 * fixed-rate client alternates between them: the tenant's owner sends everything, so half the
 * messages reach it by NOTIFY from the other replica.
 */
import type { BenchOptions } from "../env.js";
import { sendBodies } from "../gateway/bench-stack.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import { measureFixedRate, type Measurement } from "./e2e-latency.js";
import { loadAverage, PG_ONE, PG_TWO, skipNote, SQLITE, startVariant } from "./store-variants.js";

const POOL = 3000;
/** 200/s first: a rate a busy machine can still carry, for a same-run comparison. */
const RATES = [200, 1000];
const RATE = 1000;
/** The target on PostgreSQL at 1 000 msg/s. */
const TARGET_P99_MS = 20;
/**
 * Seconds at each rate before its measured run. A step up in rate grows the replicas' pools
 * (each new connection a handshake, a fresh server backend and every named statement parsed
 * again) and warms new code paths; its tail is printed beside the steady one, not mixed in.
 */
const RAMP_S = 3;

/** Runs 200 and 1 000 msg/s on each setup. */
export async function e2ePgScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  for (const variant of [SQLITE, PG_ONE, PG_TWO]) {
    const load = loadAverage();
    log(
      `e2e-pg: ${variant.label}, ${RATES.join(" and ")} messages/s for ${options.fixedRateS} s each, load average ${load}`,
    );
    const stack = await startVariant(variant, { kind: "telegram" });
    if (stack instanceof Error) {
      notes.push(skipNote(stack));
      break;
    }
    try {
      const bodies = sendBodies(stack.crm, stack.gateway.url, POOL, (i) => `Latency probe [[e${i}]]`);
      await measureFixedRate(stack, bodies, 200, 2).catch(() => undefined); // warm-up: JIT, sockets, pages
      for (const rate of RATES) {
        let m: Measurement;
        let ramp: Measurement;
        try {
          ramp = await measureFixedRate(stack, bodies, rate, RAMP_S);
          m = await measureFixedRate(stack, bodies, rate, options.fixedRateS);
        } catch (error) {
          // A saturated setup (a busy machine) still leaves the others' figures in the table.
          const reached = `the fake Bot API had received ${stack.api.delivered}`;
          notes.push(
            `${variant.label} at ${rate}/s: load average ${load} at its start; failed: ${(error as Error).message}; ${reached}`,
          );
          break;
        }
        details[`${variant.label} ${rate}/s`] = { ...m, loadAverage: load, ramp };
        const target =
          variant.store === "postgres" && rate === RATE
            ? { text: `< ${TARGET_P99_MS} ms`, met: m.fromAccept.p99 < TARGET_P99_MS }
            : undefined;
        figures.push(
          figure(`${variant.label}: ${rate}/s 202 → fake API p50`, m.fromAccept.p50, "ms"),
          figure(`${variant.label}: ${rate}/s 202 → fake API p99`, m.fromAccept.p99, "ms", target),
          figure(`${variant.label}: ${rate}/s 202 → fake API max`, m.fromAccept.max, "ms"),
          figure(`${variant.label}: ${rate}/s request → 202 p99`, m.acceptLatency.p99, "ms"),
          figure(`${variant.label}: ${rate}/s first ${RAMP_S} s (ramp) 202 → fake API p99`, ramp.fromAccept.p99, "ms"),
        );
        notes.push(
          `${variant.label} at ${rate}/s: load average ${load} at its start; ${m.sent} sent, ${m.accepted} answered 202, ${m.matched} matched at the fake; ${m.beforeAnswer} reached the fake before the client had read the 202 (counted as 0 ms)`,
        );
      }
    } finally {
      await stack.close();
    }
  }
  notes.push(
    `each rate runs ${RAMP_S} s before its measured ${options.fixedRateS} s (the ramp: pools grow, new code paths warm up); its p99 is printed as "first ${RAMP_S} s (ramp)"`,
    "one tenant: with two replicas it is owned by one of them (it sends everything), the client alternates between both and the other stores and NOTIFYs the owner",
  );
  return { scenario: "2b. end-to-end on PostgreSQL", figures, notes, details };
}
