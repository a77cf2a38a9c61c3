/**
 * @module outbox/pg-outbox-rows — CRM outbox rows written on PostgreSQL inside a caller's
 * transaction: the one insert every PostgreSQL store that stores CRM requests uses (the outbox's
 * own `insertAll`, the outgoing store's status reports, the event store's incoming messages).
 *
 * The outbox's invariant (a row is never due before the rows ahead of it with the same order key)
 * holds on SQLite because one connection writes at a time. On PostgreSQL two transactions can write
 * the same order key at once (two replicas taking webhooks of one chat, a retry holding a key while
 * a status for it is stored), and neither sees the other's uncommitted row. So writers of an order
 * key hold a transaction-level advisory lock on it, taken in ONE statement (sorted, so two
 * transactions never wait on each other in a cycle), before the statement that reads the key's
 * newest row: that statement's snapshot is taken after the lock, so it sees every committed row of
 * the key, and ids of one key follow commit order.
 */
import type { PgQueryable } from "../db/pg-transaction.js";
import type { OutboxRequest } from "./outbox-store.js";

/**
 * The first of the two int4 keys of an order key's advisory lock (the second: `hashtext(key)`).
 * Two-int locks never collide with single-bigint ones (the migrations' lock).
 */
export const ORDER_KEY_LOCK_CLASS = 0x53420001;

/** When the rows are stored and how long they are kept. */
export interface OutboxRowTimes {
  /** The outbox worker's clock: created and first due at this time (or later, behind its order key). */
  now: number;
  /** A row expires `maxAgeMs` after `now`. */
  maxAgeMs: number;
}

/** The order key as stored: prefixed with the kind and the tenant (the same on SQLite). */
export function storedOrderKey(request: Pick<OutboxRequest, "kind" | "tenantId" | "orderKey">): string {
  return `${request.kind}:${request.tenantId}:${request.orderKey}`;
}

/**
 * Holds the advisory locks of these stored order keys until the caller's transaction ends: call
 * before reading or moving the due times of a key's rows.
 */
export async function lockOrderKeys(client: PgQueryable, storedKeys: readonly string[]): Promise<void> {
  if (storedKeys.length === 0) return;
  // Distinct hashes in order: the locks are taken in one order by every transaction.
  await client.query({
    name: "outbox-lock-order-keys",
    text: `SELECT pg_advisory_xact_lock(${ORDER_KEY_LOCK_CLASS}, h)
           FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS keys`,
    values: [storedKeys],
  });
}

/**
 * Stores CRM requests on `client`, inside the caller's transaction (which the caller commits),
 * in one insert after one lock statement;
 * answers the tenants they belong to, to wake this process's outbox once committed
 * (`PgOutboxStore.committed`). Each row is due at `now`, or no earlier than the newest
 * row of its order key.
 */
export async function insertOutboxRows(
  client: PgQueryable,
  requests: readonly OutboxRequest[],
  times: OutboxRowTimes,
): Promise<number[]> {
  if (requests.length === 0) return [];
  const keys = requests.map(storedOrderKey);
  await lockOrderKeys(client, keys);
  // Rows of one key in this batch all read the same newest row (this statement does not see its
  // own rows), so they share one due time: due times still never decrease along the key. Ids
  // follow the requests' order (ORDER BY the ordinality).
  // Due times never decrease along an order key, so its newest row has the latest: one index step
  // away (crm_outbox_order), where MAX() would read the key's whole backlog.
  const insert = `INSERT INTO crm_outbox (tenant_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
    SELECT r.tenant_id, r.kind, r.body, r.order_key, 0,
      GREATEST($5::bigint, COALESCE(
        (SELECT o.next_attempt_at FROM crm_outbox o WHERE o.order_key = r.order_key ORDER BY o.id DESC LIMIT 1), 0)),
      $5::bigint, $6::bigint
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS r(tenant_id, kind, body, order_key, n)
    ORDER BY r.n`;
  await client.query({
    name: "outbox-insert-rows",
    text: insert,
    values: [
      requests.map((r) => r.tenantId),
      requests.map((r) => r.kind),
      requests.map((r) => JSON.stringify(r.body)),
      keys,
      times.now,
      times.now + times.maxAgeMs,
    ],
  });
  return [...new Set(requests.map((r) => r.tenantId))];
}
