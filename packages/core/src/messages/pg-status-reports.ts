/**
 * @module messages/pg-status-reports — a channel's status of one of its message ids, applied inside
 * another store's transaction on PostgreSQL (the event store's: a webhook's statuses commit with its
 * other events). The same steps as `PgOutgoingStore.report`, without its transaction, answering the
 * CRM requests for the caller to store with its own.
 */
import type { PgStatusReports } from "../webhooks/pg-event-store.js";
import { applyStatusChanges, reportPart } from "./pg-status-tracker.js";

/** The outgoing tables' status reports for `PgEventStore`. */
export const pgStatusReports: PgStatusReports = {
  async reportWithin(client, tenantId, channelMessageId, status, reason) {
    const part = await reportPart(client, tenantId, channelMessageId, status, reason);
    if (!part.moved) return false;
    // A part of a message still being sent: the CRM hears of it once the message is sent (its catch-up).
    if (part.sending) return [];
    const { requests, moved } = await applyStatusChanges(client, [
      { tenantId, outgoingId: part.outgoingId, catchUp: true },
    ]);
    return moved[0] ? requests : false;
  },
};
