/**
 * @module webhooks/store-events — what a webhook's events do: incoming messages into the CRM
 * outbox (each external id once), statuses onto their outgoing message, each request atomically
 * (the event store's transaction), requests of one turn of the event loop in one commit.
 */
import { isStorageUnavailable } from "../db/storage-health.js";
import type { Tenant, WebhookEvent } from "../gateway/types.js";
import type { EventRequest, EventStore, StoredEvent, StoredRequest } from "./event-store.js";
import { incomingRequestBody } from "./incoming-body.js";

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
  store(tenant: Tenant, events: readonly WebhookEvent[]): Promise<StoredEvents>;
  /**
   * The same for requests arriving in the same turn of the event loop: they share one transaction
   * (one WAL commit for many webhooks, as `POST /special/send` does), each request still all or
   * nothing. Resolves once committed; rejects as `store` would.
   */
  storeSoon(tenant: Tenant, events: readonly WebhookEvent[]): Promise<StoredEvents>;
}

interface Pending {
  request: EventRequest;
  tenant: Tenant;
  resolve: (stored: StoredEvents) => void;
  reject: (error: unknown) => void;
}

type Outcome = StoredRequest | { error: unknown };

/** A webhook's events as the event store writes them. */
export function eventRequest(tenant: Tenant, events: readonly WebhookEvent[]): EventRequest {
  return {
    tenantId: tenant.id,
    events: events.map((event): StoredEvent =>
      event.kind === "incoming"
        ? {
            kind: "incoming",
            ...(event.externalId === undefined ? {} : { externalId: event.externalId }),
            body: incomingRequestBody(event.message),
            // One customer's messages reach the CRM in the order they came.
            orderKey: event.message.chat.contact,
            ...(event.onStored ? { onStored: event.onStored } : {}),
          }
        : {
            kind: "status",
            channelMessageId: event.channelMessageId,
            status: event.status,
            ...(event.reason === undefined ? {} : { reason: event.reason }),
          },
    ),
  };
}

/** Builds the intake of a running gateway over its event store; follow-up failures go to `onFollowUpError` once committed. */
export function createEventIntake(
  store: EventStore,
  onFollowUpError: (error: unknown, tenant: Tenant) => void,
): EventIntake {
  /**
   * One transaction for the whole batch. Should one request fail for its own reasons, the batch
   * is rolled back and each request stored on its own, so only that one fails; a database that
   * refuses writes fails them all (they all answer 503 and are redelivered).
   */
  const storeBatch = async (batch: readonly Pending[]): Promise<Outcome[]> => {
    try {
      return await store.storeAll(
        batch.map((item) => item.request),
        Date.now(),
      );
    } catch (error) {
      if (isStorageUnavailable(error) || batch.length === 1) throw error;
    }
    const outcomes: Outcome[] = [];
    for (const item of batch) {
      try {
        outcomes.push((await store.storeAll([item.request], Date.now()))[0]!);
      } catch (error) {
        outcomes.push({ error });
      }
    }
    return outcomes;
  };
  const answer = (tenant: Tenant, stored: StoredRequest): StoredEvents => {
    for (const error of stored.followUpErrors) onFollowUpError(error, tenant);
    return { fresh: stored.fresh, repeated: stored.repeated };
  };

  let pending: Pending[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = await storeBatch(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if ("error" in outcome) return item.reject(outcome.error);
      item.resolve(answer(item.tenant, outcome));
    });
  };

  return {
    async store(tenant, events) {
      const [stored] = await store.storeAll([eventRequest(tenant, events)], Date.now());
      return answer(tenant, stored!);
    },
    storeSoon(tenant, events) {
      if (events.length === 0) return Promise.resolve({ fresh: 0, repeated: 0 });
      return new Promise((resolve, reject) => {
        pending.push({ request: eventRequest(tenant, events), tenant, resolve, reject });
        if (pending.length === 1) setImmediate(() => void flush());
      });
    },
  };
}
