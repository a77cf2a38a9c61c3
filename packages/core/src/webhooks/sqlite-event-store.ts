/**
 * @module webhooks/sqlite-event-store — what incoming events write, on SQLite: the dedupe claim (a
 * named hot path, every incoming event: a prepared statement), the outbox row and status reports,
 * several requests in one synchronous transaction on the one connection.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import { isStorageUnavailable } from "../db/storage-health.js";
import type { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import type { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { EventRequest, EventStore, StoredIncoming, StoredRequest } from "./event-store.js";
import { runSqliteStoringWrites } from "./sqlite-storing-writes.js";

/** Incoming events' writes on SQLite; a new event's `onStored` runs in a savepoint of its own. */
export class SqliteEventStore implements EventStore {
  private readonly claim: Statement<[tenantId: number, scope: string, externalId: string, seenAt: number]>;
  private readonly storeAllTx: (requests: readonly EventRequest[], now: number) => StoredRequest[];

  constructor(
    db: Database,
    private readonly parts: { outbox: SqliteOutboxStore; outgoing: SqliteOutgoingStore },
  ) {
    const sqlite = db.$client;
    this.claim = sqlite.prepare(
      `INSERT OR IGNORE INTO seen_events (tenant_id, scope, external_id, seen_at) VALUES (?, ?, ?, ?)`,
    );
    this.storeAllTx = sqlite.transaction((requests: readonly EventRequest[], now: number) =>
      requests.map((request) =>
        this.storeRequest(request, now, (onStored) =>
          sqlite.transaction(() => runSqliteStoringWrites(sqlite, onStored()))(),
        ),
      ),
    );
  }

  async storeAll(requests: readonly EventRequest[], now: number): Promise<StoredRequest[]> {
    return this.storeAllTx(requests, now);
  }

  async claimOnce(tenantId: number, scope: string, externalId: string, now: number): Promise<boolean> {
    return this.claim.run(tenantId, scope, externalId, now).changes > 0;
  }

  /** One request's events, on the batch's transaction; `savepoint` runs a follow-up in a nested one. */
  private storeRequest(
    { tenantId, events }: EventRequest,
    now: number,
    savepoint: (onStored: NonNullable<StoredIncoming["onStored"]>) => void,
  ): StoredRequest {
    const followUpErrors: unknown[] = [];
    let fresh = 0;
    for (const event of events) {
      if (event.kind === "status") {
        if (this.parts.outgoing.reportNow(tenantId, event.channelMessageId, event.status, event.reason)) fresh += 1;
        continue;
      }
      // The claim and the outbox row are one: the batch's rollback takes both back.
      if (event.externalId !== undefined && this.claim.run(tenantId, "incoming", event.externalId, now).changes === 0) {
        continue;
      }
      this.parts.outbox.enqueueNow({ tenantId, kind: "incoming", body: event.body, orderKey: event.orderKey });
      fresh += 1;
      if (!event.onStored) continue;
      try {
        // A nested transaction is a savepoint: only the follow-up's own writes roll back (those it
        // ran itself, and those it answered).
        savepoint(event.onStored);
      } catch (error) {
        // A busy or full database fails the whole batch (503): the channel delivers it again.
        if (isStorageUnavailable(error)) throw error;
        followUpErrors.push(error);
      }
    }
    return { fresh, repeated: events.length - fresh, followUpErrors };
  }
}
