/**
 * @module metrics/counted-intake — the event intake, counting what each request's events came to
 * (stored, repeats, or not stored), whichever way they arrived (webhook, SMTP, polling).
 */
import type { Tenant, WebhookEvent } from "../gateway/types.js";
import type { EventIntake, StoredEvents } from "../webhooks/store-events.js";
import type { IncomingObserver } from "./observers.js";

/** `intake`, telling `observer` about the events of every request it stores or fails to. */
export function countedIntake(intake: EventIntake, observer: Pick<IncomingObserver, "events">): EventIntake {
  const counted = async (tenant: Tenant, events: readonly WebhookEvent[], stored: Promise<StoredEvents>) => {
    try {
      const { fresh, repeated } = await stored;
      observer.events(tenant.host, "stored", fresh);
      observer.events(tenant.host, "repeated", repeated);
      return { fresh, repeated };
    } catch (error) {
      observer.events(tenant.host, "failed", events.length);
      throw error;
    }
  };
  return {
    store: (tenant, events) => counted(tenant, events, intake.store(tenant, events)),
    storeSoon: (tenant, events) => counted(tenant, events, intake.storeSoon(tenant, events)),
  };
}
