/**
 * @module webhooks/event-store — the seam of what incoming events write: the dedupe claims
 * (`seen_events`), customers' messages into the CRM outbox, channel statuses onto outgoing
 * messages. One interface, one class per database (`SqliteEventStore`, later `PgEventStore`).
 */
import type { IncomingRequestBody } from "../hosts/types.js";
import type { MessageStatus } from "../protocol/chat.js";

/** A customer's message to store for the CRM, once per `externalId` when it has one. */
export interface StoredIncoming {
  kind: "incoming";
  /** The channel's id of the event: claimed in scope `incoming`; a repeat stores nothing. */
  externalId?: string;
  /** The CRM request's body claim. */
  body: IncomingRequestBody;
  /** The chat's contact: one customer's messages reach the CRM in the order they came. */
  orderKey: string;
  /**
   * The gateway's own writes for a new event, run inside the store's transaction in a savepoint
   * of their own: they commit with the message; a failure of their own (not the database's) rolls
   * back alone and is returned in `followUpErrors`, the message kept. Portable: answer the writes
   * (see {@link StoringWrite}) and let the store run them. Writing directly (answering nothing)
   * works on SQLite only, whose one connection is inside the transaction while the hook runs; on
   * PostgreSQL such writes would run outside it.
   */
  onStored?: () => void | readonly StoringWrite[];
}

/**
 * A write a follow-up hands to the event store: a drizzle query built on the gateway's database
 * handle and not awaited (`db.insert(table).values(…)`, `db.delete(table).where(…)`). Each store
 * runs its SQL inside the storing transaction: SQLite synchronously on its one connection,
 * PostgreSQL on the transaction's connection.
 */
export interface StoringWrite {
  toSQL(): { sql: string; params: unknown[] };
}

/** A status of one of our outgoing messages, by the id the channel gave it. */
export interface StoredStatus {
  kind: "status";
  channelMessageId: string;
  status: MessageStatus;
  reason?: string;
}

/** One event, as the store writes it. */
export type StoredEvent = StoredIncoming | StoredStatus;

/** The events of one request (a webhook, an SMTP message), all of one tenant. */
export interface EventRequest {
  tenantId: number;
  events: readonly StoredEvent[];
}

/** What storing one request did: how many events were new (stored, or moved a status), how many repeats, and follow-ups that failed. */
export interface StoredRequest {
  fresh: number;
  repeated: number;
  followUpErrors: unknown[];
}

/**
 * Incoming events' writes. A request is all or nothing: a crash or a full disk stores none of
 * it, so the channel's redelivery finds nothing half-done. New CRM requests wake the outbox (the
 * implementation is given an `OutboxWake`).
 */
export interface EventStore {
  /**
   * Stores several requests in ONE transaction (one commit for the webhooks of one turn of the
   * event loop): all of them, or none when any fails (the caller then stores each on its own).
   */
  storeAll(requests: readonly EventRequest[], now: number): Promise<StoredRequest[]>;
  /** Records an external event id once per tenant and scope (one atomic statement); false if it was seen before. */
  claimOnce(tenantId: number, scope: string, externalId: string, now: number): Promise<boolean>;
}
