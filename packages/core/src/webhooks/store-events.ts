/**
 * @module webhooks/store-events — what a webhook's events do: incoming messages into the CRM
 * outbox (each external id once), statuses onto their outgoing message, all in one transaction.
 */
import type { Database } from "../db/client.js";
import type { GatewayRuntime, Tenant, WebhookEvent } from "../gateway/types.js";

/** How many events were new (stored or moved a status) and how many were repeats. */
export interface StoredEvents {
  fresh: number;
  repeated: number;
}

/**
 * Stores every event of one request atomically: a crash or a full disk stores none of them, so
 * the channel's redelivery (after our 5xx) finds nothing half-done. `onStored` runs after commit.
 */
export function storeEvents(
  db: Database,
  runtime: GatewayRuntime,
  tenant: Tenant,
  events: readonly WebhookEvent[],
  onFollowUpError: (error: unknown) => void,
): StoredEvents {
  const after: Array<() => void> = [];
  const counts = db.$client.transaction(() => {
    let fresh = 0;
    for (const event of events) {
      const isNew =
        event.kind === "incoming"
          ? runtime.forwardIncoming(tenant, event.message, { externalId: event.externalId })
          : runtime.reportStatus(tenant, event.channelMessageId, event.status, { reason: event.reason });
      if (!isNew) continue;
      fresh += 1;
      if (event.kind === "incoming" && event.onStored) after.push(event.onStored);
    }
    return { fresh, repeated: events.length - fresh };
  })();
  // The events are stored whatever a follow-up does: its failure is logged, never answered as a 5xx.
  for (const run of after) {
    try {
      run();
    } catch (error) {
      onFollowUpError(error);
    }
  }
  return counts;
}
