/**
 * @module webhooks/pg-event-store — what incoming events write, on PostgreSQL: the dedupe claims,
 * the customers' messages into the CRM outbox, channel statuses onto outgoing messages, several
 * requests in one transaction on one connection of the pool.
 *
 * A batch takes few round trips whatever its size: BEGIN, one claim of every external id, the
 * statuses (the outgoing store's statements), the follow-ups (a savepoint each, only where a
 * gateway wrote one), one lock and one insert of every CRM request, COMMIT.
 */
import type pg from "pg";
import { inPgTransaction } from "../db/pg-transaction.js";
import { isStorageUnavailable } from "../db/storage-health.js";
import type { OutboxRequest } from "../outbox/outbox-store.js";
import type { PgOutboxStore } from "../outbox/pg-outbox-store.js";
import { pgStatusReports } from "../messages/pg-status-reports.js";
import type { MessageStatus } from "../protocol/chat.js";
import type { EventRequest, EventStore, StoredIncoming, StoredRequest, StoringWrite } from "./event-store.js";

/** How the event store applies a channel's status inside its own transaction (the PostgreSQL outgoing store does). */
export interface PgStatusReports {
  /**
   * Applies a status on `client`, inside the caller's transaction: false when nothing moved, else
   * the CRM requests it makes (status reports), which the caller stores with its own in one insert.
   */
  reportWithin(
    client: pg.ClientBase,
    tenantId: number,
    channelMessageId: string,
    status: MessageStatus,
    reason: string | undefined,
  ): Promise<false | readonly OutboxRequest[]>;
}

/** Incoming events' writes on PostgreSQL; a new event's follow-up writes run in a savepoint of their own. */
export class PgEventStore implements EventStore {
  private readonly pool: pg.Pool;

  private readonly statuses: PgStatusReports;

  /** `statuses`: the outgoing tables' (`pgStatusReports`) unless given. */
  constructor(
    db: { $client: pg.Pool },
    private readonly parts: { outbox: PgOutboxStore; statuses?: PgStatusReports },
  ) {
    this.pool = db.$client;
    this.statuses = parts.statuses ?? pgStatusReports;
  }

  async storeAll(requests: readonly EventRequest[], now: number): Promise<StoredRequest[]> {
    if (requests.length === 0) return [];
    const { stored, tenantIds } = await inPgTransaction(this.pool, async (client) => {
      const claimed = await this.claimAll(client, requests, now);
      const outbox: OutboxRequest[] = [];
      const stored: StoredRequest[] = [];
      for (const { tenantId, events } of requests) {
        const followUpErrors: unknown[] = [];
        let fresh = 0;
        for (const event of events) {
          if (event.kind === "status") {
            const moved = await this.statuses.reportWithin(
              client,
              tenantId,
              event.channelMessageId,
              event.status,
              event.reason,
            );
            if (moved === false) continue;
            outbox.push(...moved);
            fresh += 1;
            continue;
          }
          // The first event of an external id takes its claim; any other is a repeat.
          if (event.externalId !== undefined && !claimed.delete(claimKey(tenantId, event.externalId))) continue;
          outbox.push({ tenantId, kind: "incoming", body: event.body, orderKey: event.orderKey });
          fresh += 1;
          if (event.onStored) await this.followUp(client, event.onStored, followUpErrors);
        }
        stored.push({ fresh, repeated: events.length - fresh, followUpErrors });
      }
      return { stored, tenantIds: await this.parts.outbox.insertWithin(client, outbox) };
    });
    this.parts.outbox.committed(tenantIds);
    return stored;
  }

  async claimOnce(tenantId: number, scope: string, externalId: string, now: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO seen_events (tenant_id, scope, external_id, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [tenantId, scope, externalId, now],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Claims every external id of the batch's incoming events in one statement; answers those
   * claimed now (not seen before), as `claimKey`s.
   */
  private async claimAll(client: pg.ClientBase, requests: readonly EventRequest[], now: number): Promise<Set<string>> {
    const wanted = new Map<string, { tenantId: number; externalId: string }>();
    for (const { tenantId, events } of requests) {
      for (const event of events) {
        if (event.kind !== "incoming" || event.externalId === undefined) continue;
        wanted.set(claimKey(tenantId, event.externalId), { tenantId, externalId: event.externalId });
      }
    }
    if (wanted.size === 0) return new Set();
    // In one order in every transaction: two batches claiming the same ids wait, never deadlock.
    const claims = [...wanted.values()].sort(
      (a, b) => a.tenantId - b.tenantId || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0),
    );
    const result = await client.query<{ tenant_id: number; external_id: string }>(
      `INSERT INTO seen_events (tenant_id, scope, external_id, seen_at)
       SELECT u.tenant_id, 'incoming', u.external_id, $3 FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS u(tenant_id, external_id, n)
       ORDER BY u.n
       ON CONFLICT DO NOTHING RETURNING tenant_id, external_id`,
      [claims.map((c) => c.tenantId), claims.map((c) => c.externalId), now],
    );
    return new Set(result.rows.map((row) => claimKey(row.tenant_id, row.external_id)));
  }

  /**
   * A new event's follow-up: the writes it hands over run in a savepoint of their own, so a
   * failure of theirs (not the database's) rolls back alone and is reported, the message kept.
   */
  private async followUp(
    client: pg.ClientBase,
    onStored: NonNullable<StoredIncoming["onStored"]>,
    followUpErrors: unknown[],
  ): Promise<void> {
    let statements: { sql: string; params: unknown[] }[];
    try {
      statements = ((onStored() ?? []) as readonly StoringWrite[]).map((write) => write.toSQL());
    } catch (error) {
      followUpErrors.push(error);
      return;
    }
    if (statements.length === 0) return;
    await client.query("SAVEPOINT follow_up");
    try {
      for (const { sql, params } of statements) await client.query(sql, params);
      await client.query("RELEASE SAVEPOINT follow_up");
    } catch (error) {
      // A database that is down or refusing fails the whole batch (503): the channel delivers it again.
      if (isStorageUnavailable(error)) throw error;
      await client.query("ROLLBACK TO SAVEPOINT follow_up");
      await client.query("RELEASE SAVEPOINT follow_up");
      followUpErrors.push(error);
    }
  }
}

/** One claim of the batch: the tenant and the external id. */
function claimKey(tenantId: number, externalId: string): string {
  return `${tenantId}\u0000${externalId}`;
}
