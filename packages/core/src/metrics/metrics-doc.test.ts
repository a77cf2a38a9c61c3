/**
 * docs/operating.md's metrics table is the registry's: every metric a gateway registers is a row
 * with its type and labels, and every row is a metric it registers (a renamed metric or a label
 * added in the code fails here, not in an operator's alert rules).
 */
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { steadyClock } from "../worker/clock.js";
import { GatewayMetrics } from "./gateway-metrics.js";

const doc = readFileSync(new URL("../../../../docs/operating.md", import.meta.url), "utf8");
const db = openDatabase(":memory:");
afterAll(() => db.$client.close());

/** A documented metric: the table's `metric | type | labels | meaning` row. */
interface DocumentedMetric {
  type: string;
  labels: string[];
}

/** The rows of the Metrics section's table, by metric name (`process_*` and the like as written). */
function documentedMetrics(): Map<string, DocumentedMetric> {
  const section = doc.slice(doc.indexOf("\n## Metrics"), doc.indexOf("\n## CLI"));
  const rows = new Map<string, DocumentedMetric>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const [nameCell = "", typeCell = "", labelCell = ""] = line.split(" | ");
    const labels = [...labelCell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    for (const name of nameCell.matchAll(/`([a-z_*]+)`/g))
      rows.set(name[1]!, { type: typeCell.trim(), labels: [...labels].sort() });
  }
  return rows;
}

describe("docs/operating.md's metrics", () => {
  const metrics = new GatewayMetrics({
    gateway: "echo",
    hosts: () => ["salesrender"],
    db,
    clock: steadyClock(),
    logger: pino({ level: "silent" }),
  });
  const registered = metrics.registry.getMetricsAsArray() as unknown as {
    name: string;
    type: string;
    labelNames: string[];
  }[];
  const documented = documentedMetrics();

  it("lists every switchboard_ metric the gateway registers, with its type and labels", () => {
    const own = registered.filter((metric) => metric.name.startsWith("switchboard_"));
    expect(own.length).toBeGreaterThan(8);
    for (const metric of own) {
      expect(documented.get(metric.name), `${metric.name}: its row in the table (type, labels)`).toEqual({
        type: metric.type,
        labels: [...metric.labelNames].sort(),
      });
    }
  });

  it("lists no switchboard_ metric the gateway does not register", () => {
    const names = new Set(registered.map((metric) => metric.name));
    const unknown = [...documented.keys()].filter((name) => name.startsWith("switchboard_") && !names.has(name));
    expect(unknown).toEqual([]);
  });

  it("covers prom-client's default metrics with its process_* and nodejs_* row", () => {
    expect(documented.has("process_*") && documented.has("nodejs_*")).toBe(true);
    const others = registered.filter((metric) => !metric.name.startsWith("switchboard_"));
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((metric) => !/^(process|nodejs)_/.test(metric.name)).map((m) => m.name)).toEqual([]);
  });
});
