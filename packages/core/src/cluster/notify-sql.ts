/**
 * @module cluster/notify-sql — `pg_notify` for the writers: the notification is part of the
 * writing statement or transaction, so PostgreSQL delivers it exactly when the write commits (and
 * never for a write rolled back), and identical ones of one transaction arrive once.
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

/**
 * A `pg_notify(…)` call to embed in a writing statement, whose tenant is the SQL expression
 * `tenantIdSql` (a column of the rows written, never user input), e.g.
 * `WITH ins AS (INSERT … RETURNING tenant_id) SELECT ${notifyCall("send", "t.tenant_id")} FROM (SELECT DISTINCT tenant_id FROM ins) t`.
 */
export function notifyCall(kind: NotifyKind, tenantIdSql: string): string {
  return `pg_notify('${notifyChannel(kind)}', (${tenantIdSql})::text)`;
}

/** {@link notifyQuery} for drizzle (`await tx.execute(notifySql("tenant", id))` inside its transaction). */
export function notifySql(kind: NotifyKind, tenantId: number | null): SQL {
  return sql`SELECT pg_notify(${notifyChannel(kind)}, ${notifyPayload(tenantId)})`;
}
