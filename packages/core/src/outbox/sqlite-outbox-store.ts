/**
 * @module outbox/sqlite-outbox-store — the CRM outbox's table on SQLite: prepared statements (a
 * named hot path), each method one synchronous unit on the one connection.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import { tenantRowsSql } from "../db/tenant-rows.js";
import type { Clock } from "../worker/clock.js";
import type { PendingRow } from "../worker/fair-worker.js";
import type { OutboxHead, OutboxRequest, OutboxRow, OutboxStore, OutboxWake } from "./outbox-store.js";

/** What an insert binds. */
type OutboxInsert = {
  tenantId: number;
  kind: OutboxRow["kind"];
  body: string;
  orderKey: string;
  now: number;
  expiresAt: number;
};

/** The outbox's table on SQLite; other SQLite stores write their CRM requests through `enqueueNow` in their own transactions. */
export class SqliteOutboxStore implements OutboxStore {
  private readonly pendingStmt: Statement<[], PendingRow>;
  private readonly tenantNextDueStmt: Statement<{ tenantId: number }, { t: OutboxRow["next_attempt_at"] | null }>;
  private readonly insert: Statement<OutboxInsert>;
  private readonly dueHeadsStmt: Statement<{ tenantId: number; now: number; limit: number }, OutboxHead>;
  private readonly rowById: Statement<[id: number], OutboxRow>;
  private readonly removeStmt: Statement<[id: number]>;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly retryTx: (row: OutboxHead, attempts: number, next: number, failure: string) => void;
  private readonly insertTx: (requests: readonly OutboxRequest[]) => void;

  constructor(
    db: Database,
    private readonly deps: {
      /** Scheduling time (due times, expiry): the outbox worker's clock. */
      clock: Clock;
      /** How long a request is kept before it expires. */
      maxAgeMs: number;
      wake: OutboxWake;
    },
  ) {
    const sqlite = db.$client;
    // Invariant: a row is never due before the rows ahead of it with the same order key, so the
    // earliest next_attempt_at of the whole table is a true wake-up time (found through the index).
    // Due times therefore never decrease along an order key: the newest row has the latest, one
    // index step away, where MAX() would read every row of the key (a chat's whole backlog while
    // the CRM is down) on each insert.
    this.insert = sqlite.prepare(
      `INSERT INTO crm_outbox (tenant_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
       VALUES (@tenantId, @kind, @body, @orderKey, 0,
         MAX(@now, COALESCE((SELECT next_attempt_at FROM crm_outbox WHERE order_key = @orderKey ORDER BY id DESC LIMIT 1), 0)),
         @now, @expiresAt)`,
    );
    // Only the oldest pending row of each order key is eligible, so a retried status never
    // lets a later one overtake it. One tenant at a time, through the tenant's due index.
    // Ids only: the heads in flight come back too, and every wake-up would copy their bodies out
    // again (the query was the outbox's largest cost at 500 webhooks/s); a started row is read whole.
    this.dueHeadsStmt = sqlite.prepare(
      `SELECT o.id, o.order_key FROM crm_outbox o
       WHERE ${tenantRowsSql("o")} AND o.next_attempt_at <= @now
         AND o.id = (SELECT MIN(id) FROM crm_outbox i WHERE i.order_key = o.order_key)
       ORDER BY o.next_attempt_at, o.id LIMIT @limit`,
    );
    // Rows behind a head wait for it, so the earliest time of a tenant's rows is its next work.
    this.tenantNextDueStmt = sqlite.prepare(
      `SELECT MIN(next_attempt_at) AS t FROM crm_outbox WHERE ${tenantRowsSql()}`,
    );
    this.pendingStmt = sqlite.prepare(`SELECT tenant_id, MIN(next_attempt_at) AS t FROM crm_outbox GROUP BY tenant_id`);
    this.rowById = sqlite.prepare(`SELECT * FROM crm_outbox WHERE id = ?`);
    this.removeStmt = sqlite.prepare(`DELETE FROM crm_outbox WHERE id = ?`);
    this.countStmt = sqlite.prepare(`SELECT COUNT(*) AS n FROM crm_outbox`);
    const retryHead: Statement<[attempts: number, next: number, failure: string, id: number]> = sqlite.prepare(
      `UPDATE crm_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
    );
    const holdFollowers: Statement<[next: number, orderKey: string, afterId: number]> = sqlite.prepare(
      `UPDATE crm_outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE order_key = ? AND id > ?`,
    );
    this.retryTx = sqlite.transaction((row: OutboxHead, attempts: number, next: number, failure: string) => {
      retryHead.run(attempts, next, failure, row.id);
      holdFollowers.run(next, row.order_key, row.id);
    });
    this.insertTx = sqlite.transaction((requests: readonly OutboxRequest[]) => {
      for (const request of requests) this.enqueueNow(request);
    });
  }

  /**
   * Stores one request on the connection's current transaction (the caller's: a status report, an
   * incoming event) and wakes the outbox; the wake-up runs the worker on a later turn of the event
   * loop, after the caller's synchronous transaction committed (or rolled back: then it finds nothing).
   */
  enqueueNow(request: OutboxRequest): void {
    const now = this.deps.clock.now();
    this.insert.run({
      tenantId: request.tenantId,
      kind: request.kind,
      body: JSON.stringify(request.body),
      orderKey: `${request.kind}:${request.tenantId}:${request.orderKey}`,
      now,
      expiresAt: now + this.deps.maxAgeMs,
    });
    this.deps.wake(request.tenantId);
  }

  async insertAll(requests: readonly OutboxRequest[]): Promise<void> {
    this.insertTx(requests);
  }

  async pendingTenants(): Promise<PendingRow[]> {
    return this.pendingStmt.all();
  }

  async tenantNextDue(tenantId: number): Promise<number | null> {
    return this.tenantNextDueStmt.get({ tenantId })!.t;
  }

  async dueHeads(tenantId: number, now: number, limit: number): Promise<OutboxHead[]> {
    return this.dueHeadsStmt.all({ tenantId, now, limit });
  }

  async rows(ids: readonly number[]): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    for (const id of ids) {
      const row = this.rowById.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  async remove(id: number): Promise<void> {
    this.removeStmt.run(id);
  }

  async retry(row: OutboxHead, attempts: number, next: number, failure: string): Promise<void> {
    this.retryTx(row, attempts, next, failure);
  }

  async count(): Promise<number> {
    return this.countStmt.get()!.n;
  }
}
