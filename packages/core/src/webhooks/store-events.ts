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

/** Stores the events of one request (a webhook, an SMTP message) atomically. */
export interface EventIntake {
  /**
   * Stores them now: a crash or a full disk stores none of them, so the channel's redelivery
   * (after our 5xx) finds nothing half-done. A new event's `onStored` runs in the same
   * transaction, in a savepoint of its own: its rows commit with the message, and a failure of its
   * own (not the database's) is logged and rolled back alone, the message kept.
   */
  store(tenant: Tenant, events: readonly WebhookEvent[]): StoredEvents;
  /**
   * The same for requests arriving in the same turn of the event loop: they share one transaction
   * (one WAL commit for many webhooks, as `POST /special/send` does), each request still all or
   * nothing. Resolves once committed; rejects as `store` would throw.
   */
  storeSoon(tenant: Tenant, events: readonly WebhookEvent[]): Promise<StoredEvents>;
}

interface Pending {
  tenant: Tenant;
  events: readonly WebhookEvent[];
  resolve: (stored: StoredEvents) => void;
  reject: (error: unknown) => void;
}

type Outcome = { stored: StoredEvents; followUpErrors: unknown[] } | { error: unknown };

/**
 * Builds the event store of a running gateway (its transactions prepared once). `runtime`'s
 * functions are called inside the store's transaction, and a throw rolls the request back whole.
 */
export function createEventStore(
  db: Database,
  runtime: Pick<GatewayRuntime, "forwardIncoming" | "reportStatus">,
  onFollowUpError: (error: unknown, tenant: Tenant) => void,
): EventIntake {
  const sqlite = db.$client;
  // Follow-up failures are reported once the request is committed (a batch may be tried twice).
  const storeRequest = (tenant: Tenant, events: readonly WebhookEvent[], followUpErrors: unknown[]) => {
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
        followUpErrors.push(error);
      }
    }
    return { fresh, repeated: events.length - fresh };
  };
  const storeOne = sqlite.transaction(storeRequest);
  const storeAll = sqlite.transaction((batch: readonly Pending[]): Outcome[] =>
    batch.map((item) => {
      const followUpErrors: unknown[] = [];
      return { stored: storeRequest(item.tenant, item.events, followUpErrors), followUpErrors };
    }),
  );
  /**
   * One transaction for the whole batch. Should one request fail for its own reasons, the batch
   * is rolled back and each request stored on its own, so only that one fails; a database that
   * refuses writes fails them all (they all answer 503 and are redelivered).
   */
  const storeBatch = (batch: readonly Pending[]): Outcome[] => {
    try {
      return storeAll(batch);
    } catch (error) {
      if (isStorageUnavailable(error) || batch.length === 1) throw error;
    }
    return batch.map((item) => {
      const followUpErrors: unknown[] = [];
      try {
        return { stored: storeOne(item.tenant, item.events, followUpErrors), followUpErrors };
      } catch (error) {
        return { error };
      }
    });
  };
  const report = (tenant: Tenant, errors: unknown[]) => {
    for (const error of errors) onFollowUpError(error, tenant);
  };

  let pending: Pending[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = storeBatch(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if ("error" in outcome) return item.reject(outcome.error);
      report(item.tenant, outcome.followUpErrors);
      item.resolve(outcome.stored);
    });
  };

  return {
    store(tenant, events) {
      const followUpErrors: unknown[] = [];
      const stored = storeOne(tenant, events, followUpErrors);
      report(tenant, followUpErrors);
      return stored;
    },
    storeSoon(tenant, events) {
      if (events.length === 0) return Promise.resolve({ fresh: 0, repeated: 0 });
      return new Promise((resolve, reject) => {
        pending.push({ tenant, events, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
      });
    },
  };
}
