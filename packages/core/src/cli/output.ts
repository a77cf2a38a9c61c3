/**
 * @module cli/output — prints a command's answer: aligned fields and tables for people, one JSON
 * document for machines (`--json`).
 */
import type { CliCell, CliOutput } from "./cli-types.js";

/** A cell as text: `-` when absent; control characters (a stored error's newlines) shown as spaces. */
function cellText(cell: CliCell): string {
  if (cell === null || cell === undefined || cell === "") return "-";
  // eslint-disable-next-line no-control-regex
  return String(cell).replace(/[\u0000-\u001f\u007f]+/g, " ");
}

/** Rows under their column names, each column as wide as its widest cell. */
export function renderTable(columns: readonly string[], rows: ReadonlyArray<readonly CliCell[]>): string[] {
  const text = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const widths = columns.map((name, i) => Math.max(name.length, ...text.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...text.map(line)];
}

/** The answer as people read it. */
export function renderHuman(output: CliOutput): string {
  const out: string[] = [];
  if (output.fields?.length) {
    const width = Math.max(...output.fields.map(([name]) => name.length)) + 1;
    for (const [name, value] of output.fields) out.push(`${`${name}:`.padEnd(width)} ${cellText(value)}`);
  }
  if (output.table) {
    if (out.length) out.push("");
    out.push(...(output.table.rows.length ? renderTable(output.table.columns, output.table.rows) : ["(none)"]));
  }
  if (output.lines?.length) {
    if (out.length) out.push("");
    out.push(...output.lines);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}

/** The answer for machines: its JSON, one document. */
export function renderJson(output: CliOutput): string {
  return `${JSON.stringify(output.json, null, 2)}\n`;
}

/** A time in ms since the epoch as ISO text (UTC, to the second), for tables. */
export function isoTime(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
