/**
 * @module webhooks/store-events — what a webhook's events do: incoming messages into the CRM
 * outbox (each external id once), statuses onto their outgoing message, all in one transaction.
 */
import type { Database } from "../db/client.js";
import { isStorageUnavailable } from "../db/storage-health.js";
import type { GatewayRuntime, Tenant, WebhookEvent } from "../gateway/types.js";

/** How many events were new (stored or moved a status) and how many were repeats. */
export interface StoredEvents {
  fresh: number;
  repeated: number;
}

/**
 * Stores every event of one request atomically: a crash or a full disk stores none of them, so
 * the channel's redelivery (after our 5xx) finds nothing half-done. A new event's `onStored` runs
 * in the same transaction, in a savepoint of its own: its rows commit with the message, and a
 * failure of its own (not the database's) is logged and rolled back alone, the message kept.
 */
export function storeEvents(
  db: Database,
  runtime: GatewayRuntime,
  tenant: Tenant,
  events: readonly WebhookEvent[],
  onFollowUpError: (error: unknown) => void,
): StoredEvents {
  const sqlite = db.$client;
  return sqlite.transaction(() => {
    let fresh = 0;
    for (const event of events) {
      const isNew =
        event.kind === "incoming"
          ? runtime.forwardIncoming(tenant, event.message, { externalId: event.externalId })
          : runtime.reportStatus(tenant, event.channelMessageId, event.status, { reason: event.reason });
      if (!isNew) continue;
      fresh += 1;
      if (event.kind !== "incoming" || !event.onStored) continue;
      try {
        // A nested transaction is a savepoint: only the follow-up's own writes roll back.
        sqlite.transaction(event.onStored)();
      } catch (error) {
        // A busy or full database fails the whole request (503): the channel delivers it again.
        if (isStorageUnavailable(error)) throw error;
        onFollowUpError(error);
      }
    }
    return { fresh, repeated: events.length - fresh };
  })();
}
