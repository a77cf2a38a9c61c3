/**
 * @module cluster/notifier — what replicas tell each other through the database: that a tenant has
 * new work to send (`send`), new CRM requests (`outbox`), a changed tenant or settings row to drop
 * from caches (`tenant`), or that shards were given back or a replica joined (`leases`).
 *
 * A notification is a hint, never the work itself: it can be lost (a connection that was down), so
 * every subscriber is also called with `null`, meaning "look at everything of this kind again",
 * after each (re)connection and on a slow polling backstop.
 */

/** The kinds of notification, each its own PostgreSQL channel. */
export const NOTIFY_KINDS = ["send", "outbox", "tenant", "leases"] as const;

/** One kind of notification (see {@link NOTIFY_KINDS}). */
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/**
 * Called with the tenant a notification names (`null`: it names none, look at every tenant), and
 * why: `notified` for a notification, `rescan` when notifications of this kind may have been missed
 * (after each (re)connection, and on every polling backstop tick; `tenantId` is then `null`).
 */
export type NotifyHandler = (tenantId: number | null, cause: "notified" | "rescan") => void;

/** Where a process hears what other processes wrote. */
export interface Notifier {
  /** Calls `handler` for every notification of `kind`; answers the function that unsubscribes it. */
  on(kind: NotifyKind, handler: NotifyHandler): () => void;
  /** Starts listening; resolves once notifications are heard. */
  start(): Promise<void>;
  /** Stops listening and every timer. */
  stop(): Promise<void>;
}

/** The PostgreSQL channel of `kind`: a plain lower-case identifier, safe to quote or inline. */
export function notifyChannel(kind: NotifyKind): string {
  return `switchboard_${kind}`;
}

/** The payload of a notification naming `tenantId` (empty when it names none). */
export function notifyPayload(tenantId: number | null): string {
  return tenantId === null ? "" : String(tenantId);
}

/** The tenant a payload names, or `null` for an empty or unreadable one (then everything is looked at again). */
export function parseNotifyPayload(payload: string | undefined): number | null {
  if (!payload || !/^\d{1,15}$/.test(payload)) return null;
  return Number(payload);
}

/** The kind whose channel is `channel`, if it is one of ours. */
export function kindOfChannel(channel: string): NotifyKind | undefined {
  return NOTIFY_KINDS.find((kind) => notifyChannel(kind) === channel);
}
