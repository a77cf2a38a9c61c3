/**
 * @module messages/sqlite-outgoing-store — the outgoing-message tables on SQLite (`outgoing`,
 * `outgoing_parts`, `outgoing_send_parts`): a message's states in the send queue, its parts and
 * their statuses, a send's durable progress, and finding a message by a channel id.
 *
 * The queue's statements are a named hot path: prepared statements, not the query builder. Each
 * method is one synchronous unit on the one connection (its transaction inside), answered as a
 * resolved promise.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import type { RowOf } from "../db/row-of.js";
import type { outgoing, outgoingParts } from "../db/schema.js";
import { tenantRowsSql, type TenantRow } from "../db/tenant-rows.js";
import type { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { ChatMessage, MessageStatus } from "../protocol/chat.js";
import { SqliteSendParts } from "./sqlite-send-parts.js";
import { SqliteStatusTracker } from "./sqlite-status-tracker.js";
import type { StatusRequestBody } from "../hosts/types.js";
import {
  CLAIMED,
  type DeferredRow,
  type FoundOutgoing,
  type OperationStored,
  type OperationTarget,
  type OutgoingRow,
  type OutgoingStore,
  type QueuedMessage,
  type QueuedOperation,
  type QueuedTenantRow,
  type ReleasedLeases,
  type SentMessage,
} from "./outgoing-store.js";

/** An earliest time over some rows (`MIN(…) AS t`), null when there are none. */
type EarliestRow = { t: number | null };

/**
 * The queue's statements, each named for what it does (the named hot path of the send queue):
 * bind parameters first, then the row it reads, typed from the schema.
 */
interface QueueStatements {
  insert: Statement<
    [
      tenantId: number,
      crmMessageId: string | null,
      payload: string,
      contact: string,
      hostData: string | null,
      due: number,
      now: number,
    ]
  >;
  releaseExpired: Statement<{ now: number; running: string }, TenantRow>;
  releaseExpiredOf: Statement<{ now: number; running: string; tenants: string }, TenantRow>;
  releaseLeased: Statement<{ tenantId: number; running: string }>;
  levelWaits: Statement<{ tenantId: number; running: string; now: number }>;
  claimDue: Statement<
    { tenantId: number; now: number; leaseUntil: number; limit: number },
    OutgoingRow & { due_at: number }
  >;
  defer: Statement<[due: number, id: number]>;
  deferWaiting: Statement<{ due: number; ifUnblocked: number; id: number }>;
  retry: Statement<[due: number, lastError: string, id: number]>;
  sent: Statement<[details: string | null, finishedAt: number, id: number]>;
  failed: Statement<[lastError: string, finishedAt: number, id: number]>;
  tenantNextDue: Statement<{ tenantId: number }, EarliestRow>;
  queuedTenants: Statement<[], QueuedTenantRow>;
  nextLease: Statement<[running: string], EarliestRow>;
  nextLeaseOf: Statement<[running: string, tenants: string], EarliestRow>;
  findOutgoing: Statement<
    [tenantId: number, channelMessageId: string],
    Pick<RowOf<typeof outgoing>, "payload" | "crm_message_id">
  >;
}

/** The outgoing-message tables and every write to them, on SQLite. */
export class SqliteOutgoingStore implements OutgoingStore {
  private readonly statuses: SqliteStatusTracker;
  private readonly progress: SqliteSendParts;
  private readonly stmt: QueueStatements;
  private readonly outbox: SqliteOutboxStore;
  private readonly insertTx: (items: readonly QueuedMessage[], now: number) => boolean[];
  private readonly releaseTx: (tenantId: number, running: string, now: number) => number;
  private readonly deferTx: (rows: readonly DeferredRow[]) => void;
  private readonly sentTx: (items: readonly SentMessage[], now: number) => number[];
  private readonly failedTx: (row: OutgoingRow, reason: string, now: number) => number[];
  private readonly insertOperationTx: (op: QueuedOperation, now: number) => OperationStored;
  private readonly operationDoneTx: (row: OutgoingRow, ids: string[] | null, now: number) => number[];
  private readonly operationFailedTx: (row: OutgoingRow, reason: string, report: boolean, now: number) => number[];

  /** `outbox` is the outbox's table on the same connection: status reports are stored in this store's transactions. */
  constructor(db: Database, outbox: SqliteOutboxStore) {
    const sqlite = db.$client;
    this.outbox = outbox;
    const tenant = tenantRowsSql();
    this.statuses = new SqliteStatusTracker(db, outbox);
    this.progress = new SqliteSendParts(db, this.statuses);
    this.stmt = {
      insert: sqlite.prepare(
        `INSERT INTO outgoing (tenant_id, crm_message_id, payload, contact, host_data, state, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      // A send of this process that outlives its lease is still running: never hand it out twice.
      // Rows of a process that died mid-send go back to the queue (their attempt stays counted)
      // and take their tenant's turn like any other.
      releaseExpired: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL
         WHERE state = 'leased' AND lease_until <= @now AND id NOT IN (SELECT value FROM json_each(@running))
         RETURNING tenant_id`,
      ),
      releaseExpiredOf: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL
         WHERE state = 'leased' AND lease_until <= @now AND id NOT IN (SELECT value FROM json_each(@running))
           AND tenant_id IN (SELECT value FROM json_each(@tenants))
         RETURNING tenant_id`,
      ),
      releaseLeased: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL
         WHERE state = 'leased' AND tenant_id = @tenantId AND id NOT IN (SELECT value FROM json_each(@running))`,
      ),
      // The rows about to go back and the rows waiting, but those that failed (see releaseLeased),
      // to no later than the oldest one's storing (as on PostgreSQL, see PgOutgoingStore.releaseLeased).
      levelWaits: sqlite.prepare(
        `UPDATE outgoing SET next_attempt_at = (
           SELECT MIN(MIN(next_attempt_at), MIN(created_at), @now) FROM outgoing
           WHERE tenant_id = @tenantId AND last_error IS NULL
             AND (state = 'queued' OR (state = 'leased' AND id NOT IN (SELECT value FROM json_each(@running)))))
         WHERE tenant_id = @tenantId AND last_error IS NULL
           AND (state = 'queued' OR (state = 'leased' AND id NOT IN (SELECT value FROM json_each(@running))))`,
      ),
      // One tenant's due rows, oldest first, through the (state, tenant, next_attempt_at) index.
      claimDue: sqlite.prepare(
        `UPDATE outgoing SET state = 'leased', lease_until = @leaseUntil, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outgoing WHERE state = 'queued' AND ${tenant} AND next_attempt_at <= @now
                      ORDER BY next_attempt_at, id LIMIT @limit)
         RETURNING ${CLAIMED.join(", ")}, next_attempt_at AS due_at`,
      ),
      // A rate-limited message is put back without counting the attempt.
      defer: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL, attempts = attempts - 1, next_attempt_at = ? WHERE id = ?`,
      ),
      // An operation waiting for an earlier row of its message, unless that finished while it was
      // claimed (the finished row's wake-up looks at queued rows only).
      deferWaiting: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL, attempts = attempts - 1,
           next_attempt_at = CASE WHEN EXISTS (
             SELECT 1 FROM outgoing b
             WHERE (b.id = outgoing.target_id OR b.target_id = outgoing.target_id) AND b.id < outgoing.id
               AND b.state IN ('queued', 'leased')) THEN @due ELSE MIN(@due, @ifUnblocked) END
         WHERE id = @id`,
      ),
      retry: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL, next_attempt_at = ?, last_error = ? WHERE id = ?`,
      ),
      sent: sqlite.prepare(
        `UPDATE outgoing SET state = 'sent', lease_until = NULL, details = ?, last_error = NULL, finished_at = ? WHERE id = ?`,
      ),
      failed: sqlite.prepare(
        `UPDATE outgoing SET state = 'failed', lease_until = NULL, last_error = ?, finished_at = ? WHERE id = ?`,
      ),
      tenantNextDue: sqlite.prepare(
        `SELECT MIN(next_attempt_at) AS t FROM outgoing WHERE state = 'queued' AND ${tenant}`,
      ),
      queuedTenants: sqlite.prepare(
        `SELECT tenant_id, MIN(next_attempt_at) AS t FROM outgoing WHERE state = 'queued' GROUP BY tenant_id`,
      ),
      // Leases of this process's running sends are not "expired work", whatever their time says.
      nextLease: sqlite.prepare(
        `SELECT MIN(lease_until) AS t FROM outgoing WHERE state = 'leased' AND id NOT IN (SELECT value FROM json_each(?))`,
      ),
      nextLeaseOf: sqlite.prepare(
        `SELECT MIN(lease_until) AS t FROM outgoing WHERE state = 'leased' AND id NOT IN (SELECT value FROM json_each(?))
           AND tenant_id IN (SELECT value FROM json_each(?))`,
      ),
      findOutgoing: sqlite.prepare(
        `SELECT o.payload, o.crm_message_id FROM outgoing_parts p JOIN outgoing o ON o.id = p.outgoing_id
         WHERE p.tenant_id = ? AND p.gateway_message_id = ?`,
      ),
    };
    this.releaseTx = sqlite.transaction((tenantId: number, running: string, now: number) => {
      this.stmt.levelWaits.run({ tenantId, running, now });
      return this.stmt.releaseLeased.run({ tenantId, running }).changes;
    });
    this.insertTx = sqlite.transaction((items: readonly QueuedMessage[], now: number) =>
      items.map(
        ({ tenantId, message, hostData }) =>
          this.stmt.insert.run(
            tenantId,
            message.message.id,
            JSON.stringify(message),
            message.chat.contact,
            hostData === undefined ? null : JSON.stringify(hostData),
            now,
            now,
          ).changes > 0,
      ),
    );
    this.deferTx = sqlite.transaction((rows: readonly DeferredRow[]) => {
      for (const row of rows) this.deferOne(row);
    });
    this.sentTx = sqlite.transaction((items: readonly SentMessage[], now: number) => {
      const woken: number[] = [];
      for (const { row, ids, details } of items) {
        this.stmt.sent.run(details ? JSON.stringify(details) : null, now, row.id);
        this.statuses.recordParts(row.tenant_id, row.id, ids);
        this.progress.clear(row.id);
        this.statuses.setMessageStatus(row.tenant_id, row.id, "sent");
        // Statuses of parts that came while the rest was being sent.
        this.statuses.catchUp(row.tenant_id, row.id);
        woken.push(...this.wakeFollowers(row, now));
      }
      return woken;
    });
    this.failedTx = sqlite.transaction((row: OutgoingRow, reason: string, now: number) => {
      this.stmt.failed.run(reason, now, row.id);
      this.progress.clear(row.id);
      this.statuses.setMessageStatus(row.tenant_id, row.id, "error", reason);
      return this.wakeFollowers(row, now);
    });
    const findMessage = sqlite.prepare<
      [tenantId: number, crmMessageId: string],
      Pick<RowOf<typeof outgoing>, "id" | "state" | "contact" | "host_data">
    >(
      `SELECT id, state, contact, host_data FROM outgoing WHERE tenant_id = ? AND crm_message_id = ? AND action = 'send'`,
    );
    const insertOperation = sqlite.prepare<
      [
        tenantId: number,
        action: string,
        targetId: number,
        operationKey: string,
        payload: string,
        contact: string,
        hostData: string | null,
        due: number,
        now: number,
      ]
    >(
      `INSERT INTO outgoing (tenant_id, action, target_id, operation_key, payload, contact, host_data, state, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.insertOperationTx = sqlite.transaction((op: QueuedOperation, now: number): OperationStored => {
      const target = findMessage.get(op.tenantId, op.crmMessageId);
      if (!target) return "unknown";
      if (target.state === "failed") return "failed";
      const hostData = op.hostData === undefined ? target.host_data : JSON.stringify(op.hostData);
      const stored = insertOperation.run(
        op.tenantId,
        op.action,
        target.id,
        op.operationKey,
        JSON.stringify({ message: op.message }),
        target.contact,
        hostData,
        now,
        now,
      );
      return stored.changes > 0 ? "queued" : "repeated";
    });
    // An operation waits for every earlier unfinished row of its message: the message itself, earlier edits.
    this.blockerOf = sqlite.prepare(
      `SELECT state, next_attempt_at, lease_until FROM outgoing
       WHERE (id = @target OR target_id = @target) AND id < @id AND state IN ('queued', 'leased')
       ORDER BY id LIMIT 1`,
    );
    this.targetRow = sqlite.prepare(
      `SELECT state, crm_message_id, payload FROM outgoing WHERE id = ? AND tenant_id = ? AND action = 'send'`,
    );
    this.wakeStmt = sqlite.prepare(
      `UPDATE outgoing SET next_attempt_at = MIN(next_attempt_at, @now)
       WHERE state = 'queued' AND target_id = @target AND id > @id AND last_error IS NULL
       RETURNING tenant_id`,
    );
    const finishOperation = sqlite.prepare<
      [state: string, lastError: string | null, details: string | null, finishedAt: number, id: number]
    >(`UPDATE outgoing SET state = ?, lease_until = NULL, last_error = ?, details = ?, finished_at = ? WHERE id = ?`);
    // The ids an earlier edit left the message with (it may have deleted parts a shorter text no longer needs).
    this.editedIds = sqlite.prepare(
      `SELECT details FROM outgoing
       WHERE target_id = ? AND id < ? AND action = 'edit' AND state = 'sent' AND details IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    );
    const reportOperation = (row: OutgoingRow, status: "sent" | "error", ids: string[] | null, reason?: string) => {
      if (row.action !== "edit" || row.target_id === null) return;
      const target = this.targetRow.get(row.target_id, row.tenant_id);
      if (!target?.crm_message_id) return;
      const channelIds = ids ?? this.currentIds(row.target_id, row.id);
      const body: StatusRequestBody = {
        id: target.crm_message_id,
        status,
        ...(reason === undefined ? {} : { reason }),
        ...(channelIds.length ? { channelIds } : {}),
        ...(row.host_data === null ? {} : { hostData: JSON.parse(row.host_data) as unknown }),
        operation: "edit",
      };
      this.outbox.enqueueNow({ tenantId: row.tenant_id, kind: "status", body, orderKey: target.crm_message_id });
    };
    this.operationDoneTx = sqlite.transaction((row: OutgoingRow, ids: string[] | null, now: number) => {
      finishOperation.run("sent", null, ids ? JSON.stringify({ channelIds: ids }) : null, now, row.id);
      reportOperation(row, "sent", ids);
      return this.wakeFollowers(row, now);
    });
    this.operationFailedTx = sqlite.transaction((row: OutgoingRow, reason: string, report: boolean, now: number) => {
      finishOperation.run("failed", reason, null, now, row.id);
      if (report) reportOperation(row, "error", null, reason);
      return this.wakeFollowers(row, now);
    });
    this.partIdsStmt = sqlite.prepare(
      `SELECT gateway_message_id FROM outgoing_parts WHERE outgoing_id = ? ORDER BY rowid`,
    );
  }

  private readonly blockerOf: Statement<
    { target: number; id: number },
    Pick<RowOf<typeof outgoing>, "state" | "next_attempt_at" | "lease_until">
  >;
  private readonly targetRow: Statement<
    [id: number, tenantId: number],
    Pick<RowOf<typeof outgoing>, "state" | "crm_message_id" | "payload">
  >;
  private readonly wakeStmt: Statement<{ now: number; target: number; id: number }, TenantRow>;
  private readonly partIdsStmt: Statement<
    [outgoingId: number],
    Pick<RowOf<typeof outgoingParts>, "gateway_message_id">
  >;

  private readonly editedIds: Statement<[targetId: number, beforeId: number], Pick<RowOf<typeof outgoing>, "details">>;

  /** The ids the message's parts have now: those of the last edit before `beforeId` that gave some, else those it was sent with. */
  private currentIds(targetId: number, beforeId: number): string[] {
    const edited = this.editedIds.get(targetId, beforeId);
    if (edited?.details) return (JSON.parse(edited.details) as { channelIds: string[] }).channelIds;
    return this.partIds(targetId);
  }

  private partIds(outgoingId: number): string[] {
    return this.partIdsStmt.all(outgoingId).map((p) => p.gateway_message_id);
  }

  /** Makes the operations waiting behind a row that just finished due now; returns their tenants. */
  private wakeFollowers(row: Pick<OutgoingRow, "id" | "target_id">, now: number): number[] {
    return this.wakeStmt.all({ now, target: row.target_id ?? row.id, id: row.id }).map((r) => r.tenant_id);
  }

  async insertOperation(op: QueuedOperation, now: number): Promise<OperationStored> {
    return this.insertOperationTx(op, now);
  }

  async operationTarget(row: OutgoingRow): Promise<OperationTarget> {
    if (row.target_id === null) return { state: "unknown" };
    const blocker = this.blockerOf.get({ target: row.target_id, id: row.id });
    if (blocker) {
      return {
        state: "waiting",
        until: blocker.state === "leased" ? (blocker.lease_until ?? 0) : blocker.next_attempt_at,
      };
    }
    const target = this.targetRow.get(row.target_id, row.tenant_id);
    if (!target || target.crm_message_id === null) return { state: "unknown" };
    if (target.state !== "sent") return { state: "failed" };
    return {
      state: "sent",
      crmMessageId: target.crm_message_id,
      message: JSON.parse(target.payload) as ChatMessage,
      channelIds: this.currentIds(row.target_id, row.id),
    };
  }

  async markOperationDone(row: OutgoingRow, ids: string[] | null, now: number): Promise<number[]> {
    return this.operationDoneTx(row, ids, now);
  }

  async markOperationFailed(row: OutgoingRow, reason: string, report: boolean, now: number): Promise<number[]> {
    return this.operationFailedTx(row, reason, report, now);
  }

  async insertAll(items: readonly QueuedMessage[], now: number): Promise<boolean[]> {
    return this.insertTx(items, now);
  }

  async releaseExpired(
    now: number,
    running: readonly number[],
    tenantIds?: readonly number[],
  ): Promise<ReleasedLeases> {
    const ids = JSON.stringify(running);
    if (tenantIds) {
      const tenants = JSON.stringify(tenantIds);
      const released = this.stmt.releaseExpiredOf.all({ now, running: ids, tenants }).map((row) => row.tenant_id);
      return { tenantIds: released, nextLease: this.stmt.nextLeaseOf.get(ids, tenants)!.t };
    }
    const released = this.stmt.releaseExpired.all({ now, running: ids }).map((row) => row.tenant_id);
    return { tenantIds: released, nextLease: this.stmt.nextLease.get(ids)!.t };
  }

  async releaseLeased(tenantId: number, running: readonly number[], now: number): Promise<number> {
    return this.releaseTx(tenantId, JSON.stringify(running), now);
  }

  async claimDue(tenantId: number, now: number, leaseUntil: number, limit: number): Promise<OutgoingRow[]> {
    const rows = this.stmt.claimDue.all({ tenantId, now, leaseUntil, limit });
    // RETURNING answers in the table's order (by id); the claim answers in the order it chose them.
    rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
    return rows.map(({ due_at: _due, ...row }) => row);
  }

  async deferAll(rows: readonly DeferredRow[]): Promise<void> {
    if (rows.length === 1) this.deferOne(rows[0]!);
    else if (rows.length > 1) this.deferTx(rows);
  }

  private deferOne({ id, at, ifUnblocked }: DeferredRow): void {
    if (ifUnblocked === undefined) this.stmt.defer.run(at, id);
    else this.stmt.deferWaiting.run({ due: at, ifUnblocked, id });
  }

  async retry(id: number, at: number, reason: string): Promise<void> {
    this.stmt.retry.run(at, reason, id);
  }

  async markSent(items: readonly SentMessage[], now: number): Promise<number[]> {
    return this.sentTx(items, now);
  }

  async markFailed(row: OutgoingRow, reason: string, now: number): Promise<number[]> {
    return this.failedTx(row, reason, now);
  }

  async tenantNextDue(tenantId: number): Promise<number | null> {
    return this.stmt.tenantNextDue.get({ tenantId })!.t;
  }

  async queuedTenants(): Promise<QueuedTenantRow[]> {
    return this.stmt.queuedTenants.all();
  }

  async readParts(outgoingId: number): Promise<Map<number, string>> {
    return this.progress.read(outgoingId);
  }

  async recordPart(
    tenantId: number,
    outgoingId: number,
    index: number,
    channelMessageId: string,
    previous: string | undefined,
  ): Promise<void> {
    this.progress.record(tenantId, outgoingId, index, channelMessageId, previous);
  }

  async report(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): Promise<boolean> {
    return this.statuses.report(tenantId, channelMessageId, status, reason);
  }

  /** `report` on the connection's current transaction (the event store's): for SQLite stores only. */
  reportNow(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): boolean {
    return this.statuses.report(tenantId, channelMessageId, status, reason);
  }

  async findOutgoing(tenantId: number, channelMessageId: string): Promise<FoundOutgoing | undefined> {
    const row = this.stmt.findOutgoing.get(tenantId, channelMessageId);
    if (!row) return undefined;
    return { chat: (JSON.parse(row.payload) as ChatMessage).chat, crmMessageId: row.crm_message_id };
  }
}
