/**
 * @module messages/outgoing-store — the one owner of the outgoing-message tables (`outgoing`,
 * `outgoing_parts`, `outgoing_send_parts`): a message's states in the send queue, its parts and
 * their statuses, a send's durable progress, and finding a message by a channel id.
 *
 * The queue's statements are a named hot path: prepared statements, not the query builder.
 */
import type { Statement } from "better-sqlite3";
import { lt, and, isNotNull, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { RowOf } from "../db/row-of.js";
import { outgoing, outgoingParts } from "../db/schema.js";
import { tenantRowsSql, type TenantRow } from "../db/tenant-rows.js";
import type { SendParts } from "../gateway/types.js";
import type { CrmOutbox } from "../outbox/crm-outbox.js";
import type { Chat, ChatMessage, MessageStatus } from "../protocol/chat.js";
import { SendPartsStore } from "./send-parts.js";
import { StatusTracker } from "./status-tracker.js";

/** The columns a claim returns: one list for the statement's RETURNING and the row's type. */
const CLAIMED = [
  "id",
  "tenant_id",
  "crm_message_id",
  "payload",
  "contact",
  "attempts",
  "created_at",
] as const satisfies ReadonlyArray<keyof RowOf<typeof outgoing>>;

/** A queued message as the worker claims it. */
export type OutgoingRow = Pick<RowOf<typeof outgoing>, (typeof CLAIMED)[number]>;

/** A message the channel took, with the ids it gave it, to mark sent. */
export interface SentMessage {
  row: OutgoingRow;
  ids: string[];
  details?: Record<string, unknown>;
}

/** A tenant with queued messages, `t` the earliest due time. */
export type QueuedTenantRow = TenantRow & { t: number };

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
  claimDue: Statement<{ tenantId: number; now: number; leaseUntil: number; limit: number }, OutgoingRow>;
  defer: Statement<[due: number, id: number]>;
  retry: Statement<[due: number, lastError: string, id: number]>;
  sent: Statement<[details: string | null, finishedAt: number, id: number]>;
  failed: Statement<[lastError: string, finishedAt: number, id: number]>;
  tenantNextDue: Statement<{ tenantId: number }, EarliestRow>;
  queuedTenants: Statement<[], QueuedTenantRow>;
  nextLease: Statement<[running: string], EarliestRow>;
  findOutgoing: Statement<
    [tenantId: number, channelMessageId: string],
    Pick<RowOf<typeof outgoing>, "payload" | "crm_message_id">
  >;
}

/** A message to store in the queue: its tenant, the message, and what its host keeps with it. */
export interface QueuedMessage {
  tenantId: number;
  message: ChatMessage;
  /** Stored as JSON with the message and carried into its statuses (`hostData`). */
  hostData?: unknown;
}

/** The outgoing-message tables and every write to them. */
export class OutgoingStore {
  private readonly statuses: StatusTracker;
  private readonly progress: SendPartsStore;
  private readonly stmt: QueueStatements;
  private readonly insertTx: (items: readonly QueuedMessage[], now: number) => boolean[];
  private readonly sentTx: (items: SentMessage[], now: number) => void;
  private readonly failedTx: (row: OutgoingRow, reason: string, now: number) => void;

  constructor(
    private readonly db: Database,
    outbox: CrmOutbox,
  ) {
    const sqlite = db.$client;
    const tenant = tenantRowsSql();
    this.statuses = new StatusTracker(db, outbox);
    this.progress = new SendPartsStore(db, this.statuses);
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
      // One tenant's due rows, oldest first, through the (state, tenant, next_attempt_at) index.
      claimDue: sqlite.prepare(
        `UPDATE outgoing SET state = 'leased', lease_until = @leaseUntil, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outgoing WHERE state = 'queued' AND ${tenant} AND next_attempt_at <= @now
                      ORDER BY next_attempt_at, id LIMIT @limit)
         RETURNING ${CLAIMED.join(", ")}`,
      ),
      // A rate-limited message is put back without counting the attempt.
      defer: sqlite.prepare(
        `UPDATE outgoing SET state = 'queued', lease_until = NULL, attempts = attempts - 1, next_attempt_at = ? WHERE id = ?`,
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
      findOutgoing: sqlite.prepare(
        `SELECT o.payload, o.crm_message_id FROM outgoing_parts p JOIN outgoing o ON o.id = p.outgoing_id
         WHERE p.tenant_id = ? AND p.gateway_message_id = ?`,
      ),
    };
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
    this.sentTx = sqlite.transaction((items: SentMessage[], now: number) => {
      for (const { row, ids, details } of items) {
        this.stmt.sent.run(details ? JSON.stringify(details) : null, now, row.id);
        this.statuses.recordParts(row.tenant_id, row.id, ids);
        this.progress.clear(row.id);
        this.statuses.setMessageStatus(row.tenant_id, row.id, "sent");
        // Statuses of parts that came while the rest was being sent.
        this.statuses.catchUp(row.tenant_id, row.id);
      }
    });
    this.failedTx = sqlite.transaction((row: OutgoingRow, reason: string, now: number) => {
      this.stmt.failed.run(reason, now, row.id);
      this.progress.clear(row.id);
      this.statuses.setMessageStatus(row.tenant_id, row.id, "error", reason);
    });
  }

  /** Runs `fn` in one transaction (the queue's claims of one wake-up). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return this.db.$client.transaction(fn);
  }

  /** Stores messages in one transaction; each is true when stored, false when its tenant already has its CRM id. */
  insertAll(items: readonly QueuedMessage[], now: number): boolean[] {
    return this.insertTx(items, now);
  }

  /** Puts leased rows whose lease ran out (and whose send is not in `running`) back in the queue; returns their tenants. */
  releaseExpired(now: number, running: string): number[] {
    return this.stmt.releaseExpired.all({ now, running }).map((row) => row.tenant_id);
  }

  /** The earliest lease of a send not in `running` (a JSON array of row ids), or null. */
  nextForeignLease(running: string): number | null {
    return this.stmt.nextLease.get(running)!.t;
  }

  /** Leases up to `limit` of the tenant's due rows, oldest first, counting an attempt each. */
  claimDue(tenantId: number, now: number, leaseUntil: number, limit: number): OutgoingRow[] {
    return this.stmt.claimDue.all({ tenantId, now, leaseUntil, limit });
  }

  /** Puts a claimed row back without counting its attempt, due at `at`. */
  defer(id: number, at: number): void {
    this.stmt.defer.run(at, id);
  }

  /** Puts a failed row back for another attempt at `at`. */
  retry(id: number, at: number, reason: string): void {
    this.stmt.retry.run(at, reason, id);
  }

  /** Marks messages sent (one transaction): their parts recorded, their progress cleared, `sent` reported. */
  markSent(items: SentMessage[], now: number): void {
    this.sentTx(items, now);
  }

  /** Marks a message failed for good (one transaction): its progress cleared, `error` reported. */
  markFailed(row: OutgoingRow, reason: string, now: number): void {
    this.failedTx(row, reason, now);
  }

  /** When the tenant's earliest queued row is due, or null. */
  tenantNextDue(tenantId: number): number | null {
    return this.stmt.tenantNextDue.get({ tenantId })!.t;
  }

  /** Every tenant with queued rows and its earliest due time. */
  queuedTenants(): QueuedTenantRow[] {
    return this.stmt.queuedTenants.all();
  }

  /** The durable progress of one send (`ctx.parts`). */
  parts(tenantId: number, outgoingId: number): SendParts {
    return this.progress.open(tenantId, outgoingId);
  }

  /** Applies a status the channel reported for one of its message ids; false if nothing moved. */
  report(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): boolean {
    return this.statuses.report(tenantId, channelMessageId, status, reason);
  }

  /** The outgoing message a channel message id belongs to. */
  findOutgoing(tenantId: number, channelMessageId: string): { chat: Chat; crmMessageId: string | null } | undefined {
    const row = this.stmt.findOutgoing.get(tenantId, channelMessageId);
    if (!row) return undefined;
    return { chat: (JSON.parse(row.payload) as ChatMessage).chat, crmMessageId: row.crm_message_id };
  }
}

/** Deletes messages that finished before `cutoff`, with their parts; returns how many messages. */
export function purgeFinishedMessages(db: Database, cutoff: number): number {
  return db.transaction((tx) => {
    const old = and(isNotNull(outgoing.finishedAt), lt(outgoing.finishedAt, cutoff));
    tx.delete(outgoingParts)
      .where(inArray(outgoingParts.outgoingId, tx.select({ id: outgoing.id }).from(outgoing).where(old)))
      .run();
    return tx.delete(outgoing).where(old).run().changes;
  });
}
