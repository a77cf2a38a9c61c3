/**
 * @module logs/documented-logs — the log lines docs/operating.md documents, read from its tables,
 * and a check of captured JSON lines against them (so the page and the code cannot drift apart).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One row of the events table. */
export interface DocumentedEvent {
  level: string;
  /** Fields every line of the event carries. */
  fields: readonly string[];
  /** Fields marked `?`: there only when known. */
  optional: readonly string[];
}

/** What the "Logs" section of docs/operating.md says. */
export interface DocumentedLogs {
  /** Every field name of the fields table. */
  fields: ReadonlySet<string>;
  events: ReadonlyMap<string, DocumentedEvent>;
}

/** A captured line that does not match the page. */
export interface LogLineProblem {
  line: string;
  problem: string;
}

const LEVELS = new Map([
  [10, "trace"],
  [20, "debug"],
  [30, "info"],
  [40, "warn"],
  [50, "error"],
  [60, "fatal"],
]);

/** Fields pino writes on every line. */
const PINO_FIELDS = ["level", "time", "msg", "name"];

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Reads the "Logs" section (up to the next `## ` heading) of a markdown page. */
export function readDocumentedLogs(markdownPath: string): DocumentedLogs {
  const text = readFileSync(markdownPath, "utf8");
  const start = text.indexOf("\n## Logs\n");
  if (start < 0) throw new Error(`${markdownPath} has no "## Logs" section`);
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const fields = new Set<string>();
  const events = new Map<string, DocumentedEvent>();
  let table: "fields" | "events" | undefined;
  for (const line of section.split("\n")) {
    if (line.startsWith("### "))
      table = line === "### Fields" ? "fields" : line === "### Events" ? "events" : undefined;
    if (!line.startsWith("| `") || table === undefined) continue;
    const cells = line.split("|").slice(1, -1);
    if (table === "fields") {
      for (const name of codeSpans(cells[0]!)) fields.add(name);
      continue;
    }
    const [name] = codeSpans(cells[0]!);
    const named = codeSpans(cells[2] ?? "");
    if (!name) continue;
    if (events.has(name)) throw new Error(`${markdownPath}: the event ${name} is listed twice`);
    events.set(name, {
      level: cells[1]!.trim(),
      fields: named.filter((f) => !f.endsWith("?")),
      optional: named.filter((f) => f.endsWith("?")).map((f) => f.slice(0, -1)),
    });
  }
  return { fields, events };
}

/**
 * Checks captured log lines against the page: each is JSON with a documented `event` at its
 * documented level, carries that event's fields, and no field the event does not list.
 */
export function checkLogLines(lines: readonly string[], doc: DocumentedLogs): LogLineProblem[] {
  const problems: LogLineProblem[] = [];
  for (const line of lines) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problems.push({ line, problem: "not a JSON line" });
      continue;
    }
    const name = parsed.event;
    const event = typeof name === "string" ? doc.events.get(name) : undefined;
    if (!event) {
      problems.push({ line, problem: `event ${JSON.stringify(name)} is not documented` });
      continue;
    }
    const level = LEVELS.get(parsed.level as number);
    if (level !== event.level) problems.push({ line, problem: `level ${level} where the page says ${event.level}` });
    const allowed = new Set([...PINO_FIELDS, "gateway", "event", ...event.fields, ...event.optional]);
    for (const key of Object.keys(parsed)) {
      if (!allowed.has(key)) problems.push({ line, problem: `field ${key} is not listed for ${String(name)}` });
      else if (!doc.fields.has(key)) problems.push({ line, problem: `field ${key} is not in the fields table` });
    }
    for (const field of event.fields)
      if (!(field in parsed)) problems.push({ line, problem: `${String(name)} lacks ${field}` });
  }
  return problems;
}

/** The `event: "area.what"` names logged by the TypeScript sources (tests left out) under the folders given. */
export function sourceLogEvents(folders: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "test" && entry.name !== "node_modules") visit(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        for (const m of readFileSync(path, "utf8").matchAll(/\bevent: "([a-z0-9_]+\.[a-z0-9_.]+)"/g))
          found.set(m[1]!, [...(found.get(m[1]!) ?? []), path]);
      }
    }
  };
  for (const folder of folders) visit(folder);
  return found;
}
