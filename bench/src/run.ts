/**
 * @module run — `pnpm bench`: runs every scenario on loopback, prints one table and writes
 * `bench/results/<date>.json`. Never part of `pnpm test`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { benchOptions } from "./env.js";
import { describeMachine, machineLine } from "./report/machine.js";
import type { ScenarioResult } from "./report/result.js";
import { renderTable } from "./report/table.js";
import { acceptPgScenario } from "./scenarios/accept-pg.js";
import { acceptScenario } from "./scenarios/accept.js";
import { bitrix24InScenario } from "./scenarios/bitrix24-in.js";
import { bitrix24OutScenario } from "./scenarios/bitrix24-out.js";
import { channelAcceptScenario } from "./scenarios/channel-accept.js";
import { channelDrainScenario } from "./scenarios/channel-drain.js";
import { channelE2eScenario } from "./scenarios/channel-e2e.js";
import { dbSizeScenario } from "./scenarios/db-size.js";
import { drainPgScenario } from "./scenarios/drain-pg.js";
import { drainScenario, queueOnlyScenario } from "./scenarios/drain.js";
import { e2ePgScenario } from "./scenarios/e2e-pg.js";
import { e2eScenario } from "./scenarios/e2e-latency.js";
import { footprintScenario } from "./scenarios/footprint.js";
import { inboundScenario } from "./scenarios/inbound.js";
import { outgoingStoreScenario } from "./scenarios/outgoing-store.js";
import { pgCommitsScenario } from "./scenarios/pg-commits.js";

const options = benchOptions();
const log = (line: string) => process.stderr.write(`${line}\n`);
const machine = describeMachine();

const scenarios: Record<string, (o: typeof options, l: typeof log) => Promise<ScenarioResult>> = {
  accept: acceptScenario,
  "accept-pg": acceptPgScenario,
  "accept-sms": channelAcceptScenario("sms", "1c. accept, SMS gateway"),
  "accept-email": channelAcceptScenario("email", "1d. accept, email gateway"),
  e2e: e2eScenario,
  "e2e-pg": e2ePgScenario,
  "e2e-sms": channelE2eScenario("sms", "2c. end-to-end, SMS gateway"),
  "e2e-email": channelE2eScenario("email", "2d. end-to-end, email gateway"),
  drain: drainScenario,
  "drain-pg": drainPgScenario,
  "drain-sms": channelDrainScenario("sms", "3d. drain, SMS gateway"),
  "drain-email": channelDrainScenario("email", "3e. drain, email gateway"),
  "queue-only": queueOnlyScenario,
  inbound: inboundScenario,
  footprint: footprintScenario,
  "outgoing-store": outgoingStoreScenario,
  "db-size": dbSizeScenario,
  "pg-commits": pgCommitsScenario,
  "bitrix24-out": bitrix24OutScenario,
  "bitrix24-in": bitrix24InScenario,
};

const results: ScenarioResult[] = [];
log(`Switchboard bench on ${machineLine(machine)}`);
for (const [name, run] of Object.entries(scenarios)) {
  if (options.only && !options.only.includes(name)) continue;
  // The machine may be shared: every scenario says what the load was when it started.
  const load = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`--- ${name} (load average ${load.join(" / ")})`);
  const started = Date.now();
  const context = { ranAt: new Date().toISOString(), loadAverageAtStart: load[0]! };
  try {
    const result = await run(options, log);
    results.push({
      ...result,
      notes: [`load average at the start ${load.join(" / ")}`, ...result.notes],
      details: { ...result.details, ...context },
    });
  } catch (error) {
    log(`${name} failed: ${(error as Error).stack ?? String(error)}`);
    results.push({ scenario: name, figures: [], notes: [`failed: ${(error as Error).message}`] });
  }
  log(`--- ${name} done in ${Math.round((Date.now() - started) / 1000)} s`);
}

process.stdout.write(`\nSwitchboard bench — ${machineLine(machine)}\n\n${renderTable(results)}\n`);
const dir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${new Date().toISOString().slice(0, 10)}.json`;
// A partial run (BENCH_ONLY) replaces its scenarios in the day's file and keeps the others.
const earlier = existsSync(file)
  ? ((JSON.parse(readFileSync(file, "utf8")) as { results?: ScenarioResult[] }).results ?? [])
  : [];
const merged = [...earlier.filter((r) => !results.some((n) => n.scenario === r.scenario)), ...results].sort((a, b) =>
  a.scenario.localeCompare(b.scenario, "en", { numeric: true }),
);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine, options, results: merged }, null, 2)}\n`,
);
process.stdout.write(`\nWrote ${file}\n`);
