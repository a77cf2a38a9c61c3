/**
 * @module messages/pg-outgoing-store — the outgoing-message tables on PostgreSQL (`outgoing`,
 * `outgoing_parts`, `outgoing_send_parts`), with the same semantics as `SqliteOutgoingStore`, for
 * several replicas on one database: raw SQL through node-postgres (a named hot path), claims with
 * `FOR UPDATE SKIP LOCKED` so two replicas never lease one row, batches as arrays (`unnest`,
 * `= ANY($1)`) in one round trip, and every method's statements in one transaction on one pooled
 * connection. Status reports for the CRM are stored in the same transaction (`PgOutboxStore.insertWithin`).
 */
import type pg from "pg";
import { OwnerNotices } from "../cluster/owner-notices.js";
import { ASYNC_COMMIT } from "../db/pg-async-commit.js";
import { PgBatch } from "../db/pg-batch.js";
import { PG_NUMBERS } from "../db/pg-numbers.js";
import { inPgTransaction, retryConflicts, type PgQueryable } from "../db/pg-transaction.js";
import type { RowOf } from "../db/row-of.js";
import type { outgoing, outgoingSendParts } from "../db/schema.js";
import type { TenantRow } from "../db/tenant-rows.js";
import type { StatusRequestBody } from "../hosts/types.js";
import type { OutboxRequest } from "../outbox/outbox-store.js";
import type { PgOutboxStore } from "../outbox/pg-outbox-store.js";
import type { ChatMessage, MessageStatus } from "../protocol/chat.js";
import { applyStatusChanges, reportPart, type StatusChange } from "./pg-status-tracker.js";
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

const CLAIMED_COLUMNS = CLAIMED.join(", ");

/** Options of {@link PgOutgoingStore}. */
export interface PgOutgoingStoreOptions {
  /**
   * NOTIFY `send` (the cluster's Notifier) for each tenant with new rows to send (messages, edits,
   * removals) once they committed, heard by the replica sending for the tenant (see
   * `OwnerNotices`). Off by default: a lone process has no one to tell (its send queue wakes itself).
   */
  notify?: boolean;
  /** Whether this replica sends for the tenant right now: its rows wake its queue in-process, without a NOTIFY. */
  ownedHere?: (tenantId: number) => boolean;
}

// Ids in the order given (ORDER BY n): the queue's order within one due time.
const INSERT_MESSAGES = `INSERT INTO outgoing (tenant_id, crm_message_id, payload, contact, host_data, state, attempts, next_attempt_at, created_at)
  SELECT m.tenant_id, m.crm_message_id, m.payload, m.contact, m.host_data, 'queued', 0, $6::bigint, $6::bigint
  FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])
       WITH ORDINALITY AS m(tenant_id, crm_message_id, payload, contact, host_data, n)
  ORDER BY m.n
  ON CONFLICT DO NOTHING
  RETURNING tenant_id, crm_message_id`;

/**
 * Stores an operation for its message (`$1` tenant, `$2` its CRM id) unless the message failed:
 * FOR SHARE, so a message being marked failed right now is seen failed, not queued behind.
 */
const INSERT_OPERATION = `WITH target AS (
      SELECT id, state, contact, host_data FROM outgoing
      WHERE tenant_id = $1 AND crm_message_id = $2 AND action = 'send' FOR SHARE),
    ins AS (
      INSERT INTO outgoing (tenant_id, action, target_id, operation_key, payload, contact, host_data, state, attempts, next_attempt_at, created_at)
      SELECT $1, $3, t.id, $4, $5, t.contact, CASE WHEN $6::boolean THEN $7::text ELSE t.host_data END,
             'queued', 0, $8::bigint, $8::bigint
      FROM target t WHERE t.state <> 'failed'
      ON CONFLICT DO NOTHING
      RETURNING id)
    SELECT (SELECT state FROM target) AS state, EXISTS (SELECT 1 FROM ins) AS inserted`;

/** The ids an operation's message has now, as read with it (see `currentIds`). */
interface IdsSources {
  /** The details of the last edit before the operation that gave ids, if any. */
  edited: string | null;
  /** The message's parts, in the order they were recorded. */
  parts: string[];
}

/** One `recordPart` call. */
interface PartRecord {
  tenantId: number;
  outgoingId: number;
  index: number;
  channelMessageId: string;
  previous: string | undefined;
}

/** The outgoing-message tables and every write to them, on PostgreSQL. */
export class PgOutgoingStore implements OutgoingStore {
  private readonly pool: pg.Pool;
  /**
   * Every send records its parts and reads them first: concurrent sends' records share one
   * statement and one commit, their reads one query. A record that replaces an id goes alone (its
   * unmapping must not meet another record's mapping in one statement).
   */
  private readonly partRecords = new PgBatch<PartRecord, void>((records) => this.recordParts(records), {
    alone: (r) => r.previous !== undefined,
  });
  private readonly partReads = new PgBatch<number, Map<number, string>>((ids) => this.readPartsOf(ids));
  /** Which writes NOTIFY `send` (none without `notify`). */
  private readonly notices: OwnerNotices | undefined;

  /** `outbox` stores the CRM requests (statuses) inside this store's transactions and wakes the outbox after them. */
  constructor(
    db: { $client: pg.Pool },
    private readonly outbox: Pick<PgOutboxStore, "insertWithin" | "committed">,
    options: PgOutgoingStoreOptions = {},
  ) {
    this.pool = db.$client;
    this.notices = options.notify ? new OwnerNotices("send", this.pool, options.ownedHere) : undefined;
  }

  /** Resolves once the NOTIFYs of the writes so far are sent (before the pool closes, and for tests). */
  noticesSent(): Promise<void> {
    return this.notices?.sent() ?? Promise.resolve();
  }

  async insertAll(items: readonly QueuedMessage[], now: number): Promise<boolean[]> {
    if (items.length === 0) return [];
    // Rows keep the order given (their ids are the queue's order), so two replicas storing the same
    // messages in different orders can deadlock on the unique index: the loser is rerun.
    const { rows } = await retryConflicts(() =>
      this.pool.query<Pick<RowOf<typeof outgoing>, "tenant_id" | "crm_message_id">>({
        name: "outgoing-insert",
        text: INSERT_MESSAGES,
        values: [
          items.map((i) => i.tenantId),
          items.map((i) => i.message.message.id),
          items.map((i) => JSON.stringify(i.message)),
          items.map((i) => i.message.chat.contact),
          items.map((i) => (i.hostData === undefined ? null : JSON.stringify(i.hostData))),
          now,
        ],
      }),
    );
    this.notices?.committed(rows.map((row) => row.tenant_id));
    // RETURNING names the stored rows, not their places: the first item of each key is the one stored.
    const stored = new Map<string, number>();
    for (const row of rows) {
      const key = messageKey(row.tenant_id, row.crm_message_id);
      stored.set(key, (stored.get(key) ?? 0) + 1);
    }
    const result = items.map((item) => {
      const key = messageKey(item.tenantId, item.message.message.id);
      const left = stored.get(key) ?? 0;
      if (left === 0) return false;
      stored.set(key, left - 1);
      return true;
    });
    return result;
  }

  async insertOperation(op: QueuedOperation, now: number): Promise<OperationStored> {
    const { rows } = await this.pool.query<{ state: string | null; inserted: boolean }>({
      name: "outgoing-insert-operation",
      text: INSERT_OPERATION,
      values: [
        op.tenantId,
        op.crmMessageId,
        op.action,
        op.operationKey,
        JSON.stringify({ message: op.message }),
        op.hostData !== undefined,
        op.hostData === undefined ? null : JSON.stringify(op.hostData),
        now,
      ],
    });
    const { state, inserted } = rows[0]!;
    if (inserted) this.notices?.committed([op.tenantId]);
    if (state === null) return "unknown";
    if (state === "failed") return "failed";
    return inserted ? "queued" : "repeated";
  }

  async releaseExpired(
    now: number,
    running: readonly number[],
    tenantIds?: readonly number[],
  ): Promise<ReleasedLeases> {
    const { rows } = await this.pool.query<{ tenant_ids: number[]; next_lease: number | null }>({
      name: "outgoing-release-expired",
      // A send of this process that outlives its lease is still running: never hand it out twice.
      // Rows of a process that died mid-send go back to the queue (their attempt stays counted).
      // The outer SELECT reads the table as it was before the UPDATE: the rows it released are
      // those with an expired lease, so the next lease to check is among the unexpired ones.
      // With replicas only the tenants this one owns ($3; NULL: every tenant).
      text: `WITH expired AS (
               SELECT id FROM outgoing
               WHERE state = 'leased' AND lease_until <= $1 AND NOT (id = ANY($2::bigint[]))
                 AND ($3::int[] IS NULL OR tenant_id = ANY($3::int[]))
               FOR UPDATE SKIP LOCKED),
             released AS (
               UPDATE outgoing o SET state = 'queued', lease_until = NULL
               FROM expired WHERE o.id = expired.id
               RETURNING o.tenant_id)
             SELECT (SELECT COALESCE(array_agg(tenant_id), '{}') FROM released) AS tenant_ids,
                    (SELECT MIN(lease_until) FROM outgoing
                     WHERE state = 'leased' AND lease_until > $1 AND NOT (id = ANY($2::bigint[]))
                       AND ($3::int[] IS NULL OR tenant_id = ANY($3::int[]))) AS next_lease`,
      values: [now, running, tenantIds ?? null],
      types: PG_NUMBERS,
    });
    return { tenantIds: rows[0]!.tenant_ids, nextLease: rows[0]!.next_lease };
  }

  async releaseLeased(tenantId: number, running: readonly number[], now: number): Promise<number> {
    const { rows } = await this.pool.query<{ released: number }>({
      name: "outgoing-release-leased",
      // One statement: the rows going back and the rows waiting are levelled together, to no later
      // than the oldest one's storing. A later message of one of their chats, stored by another
      // replica while this runs (unseen by it), has a time read after its predecessor was stored,
      // so it still sorts after them; levelled to `now` it could sort before.
      text: `WITH back AS (
               SELECT id, state, last_error, next_attempt_at, created_at FROM outgoing
               WHERE tenant_id = $1 AND (state = 'queued' OR (state = 'leased' AND NOT (id = ANY($2::bigint[]))))
               FOR UPDATE),
             level AS (SELECT LEAST(MIN(next_attempt_at), MIN(created_at), $3::bigint) AS at FROM back WHERE last_error IS NULL),
             moved AS (
               UPDATE outgoing o SET state = 'queued', lease_until = NULL,
                 next_attempt_at = CASE WHEN back.last_error IS NULL THEN level.at ELSE o.next_attempt_at END
               FROM back, level WHERE o.id = back.id
               RETURNING back.state AS was)
             SELECT count(*) FILTER (WHERE was = 'leased')::int AS released FROM moved`,
      values: [tenantId, running, now],
    });
    return rows[0]?.released ?? 0;
  }

  async claimDue(tenantId: number, now: number, leaseUntil: number, limit: number): Promise<OutgoingRow[]> {
    const { rows } = await this.pool.query<OutgoingRow>({
      name: "outgoing-claim-due",
      // One tenant's due rows, oldest first, through the (state, tenant, next_attempt_at) index; rows
      // another replica is claiming this instant are skipped, never waited for nor leased twice.
      // Committed without waiting for the disk (see ASYNC_COMMIT): a lease lost with the server is
      // a row queued again, never a message lost.
      text: `WITH due AS (
               SELECT id FROM outgoing
               WHERE state = 'queued' AND tenant_id = $1 AND next_attempt_at <= $2
               ORDER BY next_attempt_at, id LIMIT $4
               FOR UPDATE SKIP LOCKED),
             claimed AS (
               UPDATE outgoing o SET state = 'leased', lease_until = $3, attempts = o.attempts + 1
               FROM due WHERE o.id = due.id
               RETURNING o.next_attempt_at AS due_at, ${CLAIMED.map((c) => `o.${c}`).join(", ")})
             SELECT ${CLAIMED_COLUMNS} FROM claimed, ${ASYNC_COMMIT} ORDER BY due_at, id`,
      values: [tenantId, now, leaseUntil, limit],
      types: PG_NUMBERS,
    });
    return rows;
  }

  async deferAll(rows: readonly DeferredRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.some((r) => r.ifUnblocked !== undefined)) return this.deferWaiting(rows);
    await this.pool.query({
      name: "outgoing-defer",
      // Put back without counting the attempt.
      text: `UPDATE outgoing o SET state = 'queued', lease_until = NULL, attempts = o.attempts - 1, next_attempt_at = d.at
             FROM unnest($1::bigint[], $2::bigint[]) AS d(id, at) WHERE o.id = d.id`,
      values: [rows.map((r) => r.id), rows.map((r) => r.at)],
    });
  }

  /**
   * Defers operations waiting for an earlier row of their message, unless that finished while they
   * were claimed. A finishing row's wake-up locks its followers, leased ones too, in id order, and
   * so does this before it reads: whichever comes second sees the other committed (the wake-up
   * finds them queued, or this finds their blocker finished), never both missing each other.
   */
  private async deferWaiting(rows: readonly DeferredRow[]): Promise<void> {
    const ids = rows.map((r) => r.id);
    await retryConflicts(() =>
      inPgTransaction(this.pool, async (client) => {
        await client.query({
          name: "outgoing-defer-lock",
          text: `SELECT id FROM outgoing WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
          values: [ids],
        });
        // A statement of its own: its snapshot is taken once the rows are locked.
        await client.query({
          name: "outgoing-defer-waiting",
          text: `UPDATE outgoing o SET state = 'queued', lease_until = NULL, attempts = o.attempts - 1,
                   next_attempt_at = CASE WHEN d.free IS NULL OR EXISTS (
                     SELECT 1 FROM outgoing b
                     WHERE (b.id = o.target_id OR b.target_id = o.target_id) AND b.id < o.id
                       AND b.state IN ('queued', 'leased')) THEN d.at ELSE LEAST(d.at, d.free) END
                 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS d(id, at, free) WHERE o.id = d.id`,
          values: [ids, rows.map((r) => r.at), rows.map((r) => r.ifUnblocked ?? null)],
        });
      }),
    );
  }

  async retry(id: number, at: number, reason: string): Promise<void> {
    await this.pool.query({
      name: "outgoing-retry",
      text: `UPDATE outgoing SET state = 'queued', lease_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3`,
      values: [at, reason, id],
    });
  }

  async markSent(items: readonly SentMessage[], now: number): Promise<number[]> {
    if (items.length === 0) return [];
    const ids = items.map((i) => i.row.id);
    const parts = items.flatMap(({ row, ids: channelIds }) =>
      channelIds.map((id) => [row.tenant_id, id, row.id] as const),
    );
    return this.write(async (client) => {
      // First the messages' rows (their locks, before any status is read: see pg-status-tracker),
      // their parts, their cleared progress, and the operations that waited for them, in one statement.
      const { rows } = await client.query<TenantRow>({
        name: "outgoing-mark-sent",
        text: `WITH sent AS (
                 UPDATE outgoing o SET state = 'sent', lease_until = NULL, details = s.details, last_error = NULL, finished_at = $3
                 FROM unnest($1::bigint[], $2::text[]) AS s(id, details) WHERE o.id = s.id),
               parts AS (
                 INSERT INTO outgoing_parts (tenant_id, gateway_message_id, outgoing_id, status_rank)
                 SELECT p.tenant_id, p.gateway_message_id, p.outgoing_id, 1
                 FROM unnest($4::int[], $5::text[], $6::bigint[]) WITH ORDINALITY AS p(tenant_id, gateway_message_id, outgoing_id, n)
                 ORDER BY p.n
                 ON CONFLICT DO NOTHING),
               cleared AS (DELETE FROM outgoing_send_parts WHERE outgoing_id = ANY($1::bigint[])),
               woken AS (${wakeFollowers("$1", "$7", "$3")})
               SELECT tenant_id FROM woken WHERE state = 'queued'`,
        values: [
          ids,
          items.map((i) => (i.details ? JSON.stringify(i.details) : null)),
          now,
          parts.map((p) => p[0]),
          parts.map((p) => p[1]),
          parts.map((p) => p[2]),
          items.map((i) => i.row.target_id ?? i.row.id),
        ],
      });
      // Then `sent`, and what statuses of parts that came while the rest was being sent say.
      const changes = items.map(({ row }): StatusChange => ({
        tenantId: row.tenant_id,
        outgoingId: row.id,
        status: "sent",
        catchUp: true,
      }));
      const { requests } = await applyStatusChanges(client, changes);
      return { result: rows.map((r) => r.tenant_id), requests };
    });
  }

  async markFailed(row: OutgoingRow, reason: string, now: number): Promise<number[]> {
    return this.write(async (client) => {
      const { rows } = await client.query<TenantRow>({
        name: "outgoing-mark-failed",
        text: `WITH failed AS (
                 UPDATE outgoing SET state = 'failed', lease_until = NULL, last_error = $2, finished_at = $3
                 WHERE id = ANY($1::bigint[])),
               cleared AS (DELETE FROM outgoing_send_parts WHERE outgoing_id = ANY($1::bigint[])),
               woken AS (${wakeFollowers("$1", "$4", "$3")})
               SELECT tenant_id FROM woken WHERE state = 'queued'`,
        values: [[row.id], reason, now, [row.target_id ?? row.id]],
      });
      const { requests } = await applyStatusChanges(client, [
        { tenantId: row.tenant_id, outgoingId: row.id, status: "error", reason },
      ]);
      return { result: rows.map((r) => r.tenant_id), requests };
    });
  }

  async operationTarget(row: OutgoingRow): Promise<OperationTarget> {
    if (row.target_id === null) return { state: "unknown" };
    const { rows } = await this.pool.query<
      IdsSources & {
        blocker: { state: string; next: number; lease: number | null } | null;
        target: { state: string; crm: string | null; payload: string } | null;
      }
    >({
      name: "outgoing-operation-target",
      // An operation waits for every earlier unfinished row of its message: the message itself, earlier edits.
      text: `SELECT
               (SELECT json_build_object('state', b.state, 'next', b.next_attempt_at, 'lease', b.lease_until) FROM outgoing b
                WHERE (b.id = $1 OR b.target_id = $1) AND b.id < $2 AND b.state IN ('queued', 'leased')
                ORDER BY b.id LIMIT 1) AS blocker,
               (SELECT json_build_object('state', t.state, 'crm', t.crm_message_id, 'payload', t.payload) FROM outgoing t
                WHERE t.id = $1 AND t.tenant_id = $3 AND t.action = 'send') AS target,
               ${IDS_SOURCES}`,
      values: [row.target_id, row.id, row.tenant_id],
    });
    const { blocker, target, ...ids } = rows[0]!;
    if (blocker) return { state: "waiting", until: blocker.state === "leased" ? (blocker.lease ?? 0) : blocker.next };
    if (!target || target.crm === null) return { state: "unknown" };
    if (target.state !== "sent") return { state: "failed" };
    return {
      state: "sent",
      crmMessageId: target.crm,
      message: JSON.parse(target.payload) as ChatMessage,
      channelIds: currentIds(ids),
    };
  }

  async markOperationDone(row: OutgoingRow, ids: string[] | null, now: number): Promise<number[]> {
    const details = ids ? JSON.stringify({ channelIds: ids }) : null;
    return this.finishOperation(row, "sent", null, details, now, { status: "sent", ids });
  }

  async markOperationFailed(row: OutgoingRow, reason: string, report: boolean, now: number): Promise<number[]> {
    return this.finishOperation(
      row,
      "failed",
      reason,
      null,
      now,
      report ? { status: "error", ids: null, reason } : null,
    );
  }

  async tenantNextDue(tenantId: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>({
      name: "outgoing-tenant-next-due",
      text: `SELECT MIN(next_attempt_at) AS t FROM outgoing WHERE state = 'queued' AND tenant_id = $1`,
      values: [tenantId],
      types: PG_NUMBERS,
    });
    return rows[0]!.t;
  }

  async queuedTenants(): Promise<QueuedTenantRow[]> {
    const { rows } = await this.pool.query<QueuedTenantRow>({
      name: "outgoing-queued-tenants",
      // One index step per tenant on (state, tenant_id, next_attempt_at) rather than a scan of every
      // queued row (a GROUP BY read the whole backlog on each poll: 9 ms at 20 000 queued).
      text: `WITH RECURSIVE t AS (
               (SELECT tenant_id FROM outgoing WHERE state = 'queued' ORDER BY tenant_id LIMIT 1)
               UNION ALL
               SELECT (SELECT o.tenant_id FROM outgoing o WHERE o.state = 'queued' AND o.tenant_id > t.tenant_id
                       ORDER BY o.tenant_id LIMIT 1)
               FROM t WHERE t.tenant_id IS NOT NULL)
             SELECT t.tenant_id,
                    (SELECT o.next_attempt_at FROM outgoing o WHERE o.state = 'queued' AND o.tenant_id = t.tenant_id
                     ORDER BY o.next_attempt_at LIMIT 1) AS t
             FROM t WHERE t.tenant_id IS NOT NULL`,
      types: PG_NUMBERS,
    });
    return rows;
  }

  readParts(outgoingId: number): Promise<Map<number, string>> {
    return this.partReads.add(outgoingId);
  }

  recordPart(
    tenantId: number,
    outgoingId: number,
    index: number,
    channelMessageId: string,
    previous: string | undefined,
  ): Promise<void> {
    return this.partRecords.add({ tenantId, outgoingId, index, channelMessageId, previous });
  }

  async report(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): Promise<boolean> {
    return this.write(async (client) => {
      const part = await reportPart(client, tenantId, channelMessageId, status, reason);
      // A part of a message still being sent: the CRM hears of it once the message is sent (its catch-up).
      if (!part.moved || part.sending) return { result: part.moved, requests: [] };
      const { requests, moved } = await applyStatusChanges(client, [
        { tenantId, outgoingId: part.outgoingId, catchUp: true },
      ]);
      return { result: moved[0]!, requests };
    });
  }

  /** The parts recorded so far of each message, in one query. */
  private async readPartsOf(outgoingIds: readonly number[]): Promise<Array<Map<number, string>>> {
    const { rows } = await this.pool.query<
      Pick<RowOf<typeof outgoingSendParts>, "outgoing_id" | "part_index" | "channel_message_id">
    >({
      name: "outgoing-read-send-parts",
      text: `SELECT outgoing_id, part_index, channel_message_id FROM outgoing_send_parts
             WHERE outgoing_id = ANY($1::bigint[]) ORDER BY outgoing_id, part_index`,
      values: [outgoingIds],
      types: PG_NUMBERS,
    });
    const byMessage = new Map<number, Map<number, string>>();
    for (const row of rows) {
      let parts = byMessage.get(row.outgoing_id);
      if (!parts) byMessage.set(row.outgoing_id, (parts = new Map()));
      parts.set(row.part_index, row.channel_message_id);
    }
    return outgoingIds.map((id) => new Map(byMessage.get(id) ?? []));
  }

  /** Records parts of several messages in one statement (one commit). */
  private async recordParts(records: readonly PartRecord[]): Promise<void[]> {
    await this.pool.query({
      name: "outgoing-record-send-parts",
      // Mapped at once, so a status or a reply for this part finds its message while the rest is
      // sent; the id it replaces (the channel took that part again under another id) is unmapped.
      // Committed without waiting for the disk (see ASYNC_COMMIT): it guards against this process
      // dying, which an asynchronous commit survives.
      text: `WITH r AS (
               SELECT * FROM unnest($1::int[], $2::bigint[], $3::int[], $4::text[], $5::text[])
                        WITH ORDINALITY AS r(tenant_id, outgoing_id, part_index, channel_message_id, previous, n)),
             progress AS (
               INSERT INTO outgoing_send_parts (outgoing_id, part_index, channel_message_id)
               SELECT outgoing_id, part_index, channel_message_id FROM r
               ON CONFLICT (outgoing_id, part_index) DO UPDATE SET channel_message_id = excluded.channel_message_id),
             replaced AS (
               DELETE FROM outgoing_parts p USING r
               WHERE r.previous IS NOT NULL AND p.tenant_id = r.tenant_id AND p.gateway_message_id = r.previous
                 AND p.outgoing_id = r.outgoing_id)
             INSERT INTO outgoing_parts (tenant_id, gateway_message_id, outgoing_id, status_rank)
             SELECT tenant_id, channel_message_id, outgoing_id, 1 FROM r, ${ASYNC_COMMIT} ORDER BY n
             ON CONFLICT DO NOTHING`,
      values: [
        records.map((r) => r.tenantId),
        records.map((r) => r.outgoingId),
        records.map((r) => r.index),
        records.map((r) => r.channelMessageId),
        records.map((r) => r.previous ?? null),
      ],
    });
    return records.map(() => undefined);
  }

  async findOutgoing(tenantId: number, channelMessageId: string): Promise<FoundOutgoing | undefined> {
    const { rows } = await this.pool.query<Pick<RowOf<typeof outgoing>, "payload" | "crm_message_id">>({
      name: "outgoing-find",
      text: `SELECT o.payload, o.crm_message_id FROM outgoing_parts p JOIN outgoing o ON o.id = p.outgoing_id
             WHERE p.tenant_id = $1 AND p.gateway_message_id = $2`,
      values: [tenantId, channelMessageId],
    });
    const row = rows[0];
    if (!row) return undefined;
    return { chat: (JSON.parse(row.payload) as ChatMessage).chat, crmMessageId: row.crm_message_id };
  }

  /**
   * Finishes an operation (one transaction when it reports): its row, the rows that waited for
   * it, and for an edit the status the CRM hears (`report`) with the ids its message has now.
   */
  private async finishOperation(
    row: OutgoingRow,
    state: "sent" | "failed",
    lastError: string | null,
    details: string | null,
    now: number,
    report: { status: "sent" | "error"; ids: string[] | null; reason?: string } | null,
  ): Promise<number[]> {
    const reports = report !== null && row.action === "edit" && row.target_id !== null;
    const finish = (client: PgQueryable) =>
      client.query<TenantRow>({
        name: "outgoing-finish-operation",
        text: `WITH finished AS (
                 UPDATE outgoing SET state = $2, lease_until = NULL, last_error = $4, details = $5, finished_at = $3
                 WHERE id = ANY($1::bigint[])),
               woken AS (${wakeFollowers("$1", "$6", "$3")})
               SELECT tenant_id FROM woken WHERE state = 'queued'`,
        values: [[row.id], state, now, lastError, details, [row.target_id ?? row.id]],
      });
    if (!reports) return (await finish(this.pool)).rows.map((r) => r.tenant_id);
    return this.write(async (client) => {
      const woken = (await finish(client)).rows.map((r) => r.tenant_id);
      const { rows } = await client.query<IdsSources & { crm_message_id: string | null }>({
        name: "outgoing-operation-report",
        text: `SELECT t.crm_message_id, ${IDS_SOURCES} FROM outgoing t WHERE t.id = $1 AND t.tenant_id = $3 AND t.action = 'send'`,
        values: [row.target_id, row.id, row.tenant_id],
      });
      const target = rows[0];
      if (!target?.crm_message_id) return { result: woken, requests: [] };
      const channelIds = report.ids ?? currentIds(target);
      const body: StatusRequestBody = {
        id: target.crm_message_id,
        status: report.status,
        ...(report.reason === undefined ? {} : { reason: report.reason }),
        ...(channelIds.length ? { channelIds } : {}),
        ...(row.host_data === null ? {} : { hostData: JSON.parse(row.host_data) as unknown }),
        operation: "edit",
      };
      const request: OutboxRequest = { tenantId: row.tenant_id, kind: "status", body, orderKey: target.crm_message_id };
      return { result: woken, requests: [request] };
    });
  }

  /**
   * Runs `fn` in one transaction and stores the CRM requests it answers in it; once committed,
   * wakes the outbox for them. Answers `fn`'s result.
   */
  private async write<T>(fn: (client: pg.PoolClient) => Promise<{ result: T; requests: OutboxRequest[] }>): Promise<T> {
    const { result, tenants } = await inPgTransaction(this.pool, async (client) => {
      const { result, requests } = await fn(client);
      return { result, tenants: await this.outbox.insertWithin(client, requests) };
    });
    this.outbox.committed(tenants);
    return result;
  }
}

/**
 * Makes the operations waiting behind rows that just finished due now; returns their tenants and
 * states (those `queued` were woken). A CTE of the statement finishing the rows, given the
 * placeholders of its parameters: the rows' ids, each row's message, now. Followers claimed right
 * now are locked too, in id order (see `deferWaiting`): a take that is about to put one back
 * either waits for this commit or is waited for, then woken.
 */
function wakeFollowers(ids: string, targets: string, now: string): string {
  return `UPDATE outgoing f
    SET next_attempt_at = CASE WHEN f.state = 'queued' THEN LEAST(f.next_attempt_at, ${now}::bigint) ELSE f.next_attempt_at END
    FROM (SELECT o.id FROM outgoing o JOIN unnest(${targets}::bigint[], ${ids}::bigint[]) AS w(target, id)
            ON o.target_id = w.target AND o.id > w.id
          WHERE o.state IN ('queued', 'leased') AND o.last_error IS NULL
          ORDER BY o.id FOR UPDATE OF o) AS l
    WHERE f.id = l.id AND f.state IN ('queued', 'leased') AND f.last_error IS NULL
    RETURNING f.tenant_id, f.state`;
}

/**
 * The sources of the ids a message (`$1`) has as an operation (`$2`) finds it: the last edit before
 * the operation that gave ids (it may have deleted parts a shorter text no longer needs), and its parts.
 */
const IDS_SOURCES = `(SELECT e.details FROM outgoing e
   WHERE e.target_id = $1 AND e.id < $2 AND e.action = 'edit' AND e.state = 'sent' AND e.details IS NOT NULL
   ORDER BY e.id DESC LIMIT 1) AS edited,
  (SELECT COALESCE(json_agg(p.gateway_message_id ORDER BY p.seq), '[]') FROM outgoing_parts p WHERE p.outgoing_id = $1) AS parts`;

/** The ids the message's parts have now: those of the last edit that gave some, else those it was sent with. */
function currentIds(sources: IdsSources): string[] {
  if (sources.edited) return (JSON.parse(sources.edited) as { channelIds: string[] }).channelIds;
  return sources.parts;
}

function messageKey(tenantId: number, crmMessageId: string | null): string {
  return crmMessageId === null ? `${tenantId}` : `${tenantId}:${crmMessageId}`;
}
