/**
 * What a replica chaos run says when it fails, so that a rare failure in CI explains itself: for
 * each message delivered more than once, and for each chat whose messages arrived out of order,
 * when its deliveries arrived (relative to the disruptions), how often its rows were claimed and
 * their last errors, and what the replicas logged about leases and retries around them.
 */
import type { SendRow } from "../../queue/pg-probe.js";
import type { ReplicaEvent } from "./replica-stack.js";

/** How far around a delivery the replicas' events are shown. */
const AROUND_MS = 3000;

/** The moments the run disrupted, by name (`performance.now()` times). */
export type Moments = Record<string, number>;

/** One line per duplicated marker, then the replicas' events near its deliveries. */
export function duplicateReport(
  arrivals: ReadonlyMap<string, readonly number[]>,
  rows: readonly SendRow[],
  events: readonly ReplicaEvent[],
  moments: Moments,
  reposted: ReadonlySet<string>,
): string {
  const rowOf = new Map(rows.map((row) => [row.crmMessageId, row]));
  const relative = relativeTo(moments);
  const lines: string[] = [];
  for (const [marker, times] of arrivals) {
    if (times.length < 2) continue;
    const again = reposted.has(marker) ? " (posted again)" : "";
    lines.push(
      `${marker}${again}: delivered ${times.length}× at ${times.map(relative).join(" | ")}; ${describeRow(rowOf.get(marker))}`,
    );
    lines.push(...eventsNear(events, times, relative));
  }
  return lines.join("\n");
}

/**
 * Per out-of-order chat: its markers in posting order, each with its first arrival and its row,
 * then the replicas' events near the arrivals that came before an earlier-posted marker's.
 */
export function orderReport(
  chats: ReadonlyArray<{ chat: string; markers: readonly string[] }>,
  arrivals: ReadonlyMap<string, readonly number[]>,
  rows: readonly SendRow[],
  events: readonly ReplicaEvent[],
  moments: Moments,
): string {
  const rowOf = new Map(rows.map((row) => [row.crmMessageId, row]));
  const relative = relativeTo(moments);
  const lines: string[] = [];
  for (const { chat, markers } of chats) {
    lines.push(`chat ${chat}:`);
    const overtaken: number[] = [];
    let latest = -Infinity;
    for (const marker of markers) {
      const first = arrivals.get(marker)?.[0];
      if (first !== undefined && first < latest) overtaken.push(first, latest);
      if (first !== undefined) latest = Math.max(latest, first);
      lines.push(`  ${marker}: ${first === undefined ? "never" : relative(first)}; ${describeRow(rowOf.get(marker))}`);
    }
    lines.push(...eventsNear(events, overtaken, relative));
  }
  return lines.join("\n");
}

/** A time as offsets from each moment, e.g. `kill+120ms dbStop-3400ms`. */
function relativeTo(moments: Moments): (at: number) => string {
  return (at) =>
    Object.entries(moments)
      .map(([name, t]) => `${name}${at - t >= 0 ? "+" : ""}${Math.round(at - t)}ms`)
      .join(" ");
}

/** The replicas' events within {@link AROUND_MS} of any of `times`. */
function eventsNear(events: readonly ReplicaEvent[], times: readonly number[], relative: (at: number) => string) {
  return events
    .filter((e) => times.some((t) => Math.abs(e.at - t) <= AROUND_MS))
    .map((e) => `  replica ${e.replica} ${relative(e.at)}: ${e.line}`);
}

/** A row as one phrase. */
function describeRow(row: SendRow | undefined): string {
  if (!row) return "no row";
  return `row ${row.id} of tenant ${row.tenantId} ${row.state}, claimed ${row.attempts}×, last error ${row.lastError ?? "none"}`;
}
