/**
 * @module cluster/notify-sql — `pg_notify` for the writers that notify inside their transaction
 * (a tenant's or its settings' change): PostgreSQL delivers it exactly when the write commits (and
 * never for a write rolled back), and identical ones of one transaction arrive once. The queue and
 * the outbox notify after their commits instead (`owner-notices.ts`).
 */
import { sql, type SQL } from "drizzle-orm";
import { notifyChannel, notifyPayload, type NotifyKind } from "./notifier.js";

/**
 * `SELECT pg_notify(…)` naming `tenantId`, for node-postgres: run it on the client of the writing
 * transaction (`client.query(notifyQuery("send", 7))`), or alone to notify at once.
 */
export function notifyQuery(kind: NotifyKind, tenantId: number | null): { text: string; values: string[] } {
  return { text: "SELECT pg_notify($1, $2)", values: [notifyChannel(kind), notifyPayload(tenantId)] };
}

/** {@link notifyQuery} for drizzle (`await tx.execute(notifySql("tenant", id))` inside its transaction). */
export function notifySql(kind: NotifyKind, tenantId: number | null): SQL {
  return sql`SELECT pg_notify(${notifyChannel(kind)}, ${notifyPayload(tenantId)})`;
}
