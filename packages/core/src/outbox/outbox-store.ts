/**
 * @module outbox/outbox-store — the seam of the CRM outbox's table (`crm_outbox`): the requests
 * to the CRM as `CrmOutbox` stores, finds and finishes them. One interface, one class per database
 * (`SqliteOutboxStore`, later `PgOutboxStore`); the rows and parameters they share are here.
 */
import type { RowOf } from "../db/row-of.js";
import type { crmOutbox } from "../db/schema.js";
import type { PendingRow } from "../worker/fair-worker.js";

/** A stored request to the CRM, as the outbox's statements read it. */
export type OutboxRow = RowOf<typeof crmOutbox>;

/** The two kinds of request for the CRM: a customer's message, a status of one of the CRM's. */
export type OutboxKind = OutboxRow["kind"];

/** A request to store: `body` is the request's body claim (stored as JSON). */
export interface OutboxRequest {
  tenantId: number;
  kind: OutboxKind;
  body: unknown;
  /** Requests with the same key go one at a time, in order (the store prefixes it with kind and tenant). */
  orderKey: string;
}

/** A due head of an order key: what `CrmOutbox` needs to pick it, before it reads the row whole. */
export type OutboxHead = Pick<OutboxRow, "id" | "order_key">;

/**
 * Told, once a write committed, that the tenant has a new request for the CRM (the outbox
 * worker's wake-up). Every store that writes outbox rows (this one, the outgoing store's status
 * reports, the event store) is given one.
 */
export type OutboxWake = (tenantId: number) => void;

/**
 * The outbox's table. Invariant every implementation keeps: a row is never due before the rows
 * ahead of it with the same order key, so the earliest `next_attempt_at` of a tenant's rows is a
 * true wake-up time (a new row is due no earlier than the newest row of its key).
 */
export interface OutboxStore {
  /**
   * Stores requests (one transaction) and wakes the outbox for their tenants. Times come from the
   * clock and the maximum age the implementation is given (every store writing outbox rows uses the same).
   */
  insertAll(requests: readonly OutboxRequest[]): Promise<void>;
  /** Every tenant with stored requests and its earliest due time (read at start). */
  pendingTenants(): Promise<PendingRow[]>;
  /** When the tenant's earliest request is due (rows behind a head wait for it), or null. */
  tenantNextDue(tenantId: number): Promise<number | null>;
  /**
   * Up to `limit` of the tenant's due heads (the oldest row of each order key), earliest first,
   * ids and keys only: heads in flight come back too, and copying their bodies on every wake-up costs.
   */
  dueHeads(tenantId: number, now: number, limit: number): Promise<OutboxHead[]>;
  /** The rows with these ids (those still stored), in the order asked. */
  rows(ids: readonly number[]): Promise<OutboxRow[]>;
  /** Deletes a request that was delivered, refused for good, or expired. */
  remove(id: number): Promise<void>;
  /**
   * Records a failed attempt of a head (one transaction): its attempts, error and next time, and
   * holds the rows behind it with the same order key until then.
   */
  retry(row: Pick<OutboxRow, "id" | "order_key">, attempts: number, next: number, failure: string): Promise<void>;
  /** Number of requests waiting for the CRM (for health and tests). */
  count(): Promise<number>;
}
