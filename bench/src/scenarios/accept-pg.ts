/**
 * @module scenarios/accept-pg — accept rate of signed `POST /special/send` on SQLite, then on
 * PostgreSQL with one replica and with two (the connections split between them), back to back in
 * one scenario so the ratio compares the same minutes of a shared machine; every 2xx must be a
 * stored row. The Bot API holds every send, so the accept path is measured alone.
 */
import type { BenchOptions } from "../env.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import { ACCEPT_WARMUP_S, measureAccept, type Accepted } from "./accept-measure.js";
import { PG_ONE, PG_TWO, SQLITE } from "./store-variants.js";

/** The target: PostgreSQL accepts at least half of SQLite's rate in the same run. */
const TARGET_RATIO = 0.5;

/** Runs SQLite, PostgreSQL ×1 and PostgreSQL ×2 under the same load. */
export async function acceptPgScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  let sqlite: Accepted | undefined;
  for (const variant of [SQLITE, PG_ONE, PG_TWO]) {
    const measured = await measureAccept(variant, options, log, {
      kind: "telegram",
      name: "accept-pg",
      profileName: `accept-pg-${variant.store}-${variant.replicas}`,
    });
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
    `${options.connections} connections (split evenly between the replicas), ${options.durationS} s after ${ACCEPT_WARMUP_S} s of warm-up, one tenant (owned by one replica: the other stores and NOTIFYs it); the Bot API holds every send`,
  );
  return { scenario: "1b. accept on PostgreSQL", figures, notes, details };
}
