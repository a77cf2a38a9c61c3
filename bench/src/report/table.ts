/**
 * @module report/table — prints scenario results as one aligned text table.
 */
import type { ScenarioResult } from "./result.js";

/** Renders every figure as a row: scenario, figure, value, unit, target, ok. */
export function renderTable(results: ScenarioResult[]): string {
  const rows: string[][] = [["scenario", "figure", "value", "unit", "target", "met"]];
  for (const r of results) {
    for (const f of r.figures) {
      rows.push([
        r.scenario,
        f.name,
        String(f.value),
        f.unit,
        f.target ?? "",
        f.met === undefined ? "" : f.met ? "yes" : "NO",
      ]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, col) => (col === 2 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join("  ")
      .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`));
  return [...out, ...(notes.length ? ["", "Notes:", ...notes] : [])].join("\n");
}
