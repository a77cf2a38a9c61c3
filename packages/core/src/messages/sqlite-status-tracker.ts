/**
 * @module messages/sqlite-status-tracker — forward-only statuses of outgoing messages, reported to
 * the CRM once each, on SQLite: the outgoing store's part for `outgoing_parts` (synchronous, run
 * inside its transactions).
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import type { RowOf } from "../db/row-of.js";
import type { outgoing, outgoingParts } from "../db/schema.js";
import { MESSAGE_STATUSES, statusRank, type MessageStatus } from "../protocol/chat.js";
import type { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { StatusRequestBody } from "../hosts/types.js";

const ERROR_RANK = statusRank("error");

type PartRow = RowOf<typeof outgoingParts>;
type MessageRow = RowOf<typeof outgoing>;
/** A part's key: the tenant's id, then the channel's message id. */
type PartKey = [tenantId: number, channelMessageId: string];

/**
 * Tracks the status of each part (channel message id) of an outgoing message. The message's status
 * is the lowest of its parts' (all parts must be delivered for the message to be), or error when
 * any part failed; the CRM hears each step of that aggregate once, in order.
 */
export class SqliteStatusTracker {
  // The statuses' named hot path: prepared statements, their rows typed from the schema.
  private readonly findPart: Statement<
    PartKey,
    Pick<PartRow, "outgoing_id" | "status_rank"> & Pick<MessageRow, "state">
  >;
  private readonly updatePart: Statement<[rank: number, reason: string | null, ...key: PartKey]>;
  private readonly aggregate: Statement<[outgoingId: number], { max: number | null; min: number | null }>;
  private readonly raiseMessage: Statement<
    [rank: number, outgoingId: number, belowRank: number],
    Pick<MessageRow, "crm_message_id" | "host_data">
  >;
  private readonly partIds: Statement<[outgoingId: number], Pick<PartRow, "gateway_message_id" | "reason">>;
  private readonly insertPart: Statement<[...key: PartKey, outgoingId: number, rank: number]>;
  private readonly deletePart: Statement<[...key: PartKey, outgoingId: number]>;
  private readonly reportTx: (
    tenantId: number,
    channelMessageId: string,
    status: MessageStatus,
    reason?: string,
  ) => boolean;

  constructor(
    db: Database,
    private readonly outbox: SqliteOutboxStore,
  ) {
    const sqlite = db.$client;
    this.findPart = sqlite.prepare(
      `SELECT p.outgoing_id, p.status_rank, o.state FROM outgoing_parts p JOIN outgoing o ON o.id = p.outgoing_id
       WHERE p.tenant_id = ? AND p.gateway_message_id = ?`,
    );
    this.updatePart = sqlite.prepare(
      `UPDATE outgoing_parts SET status_rank = ?, reason = ?
       WHERE tenant_id = ? AND gateway_message_id = ?`,
    );
    this.aggregate = sqlite.prepare(
      `SELECT MAX(status_rank) AS max, MIN(status_rank) AS min FROM outgoing_parts WHERE outgoing_id = ?`,
    );
    this.raiseMessage = sqlite.prepare(
      `UPDATE outgoing SET status_rank = ? WHERE id = ? AND status_rank < ? AND status_rank < ${ERROR_RANK}
       RETURNING crm_message_id, host_data`,
    );
    this.partIds = sqlite.prepare(
      `SELECT gateway_message_id, reason FROM outgoing_parts WHERE outgoing_id = ? ORDER BY rowid`,
    );
    this.deletePart = sqlite.prepare(
      `DELETE FROM outgoing_parts
       WHERE tenant_id = ? AND gateway_message_id = ? AND outgoing_id = ?`,
    );
    this.insertPart = sqlite.prepare(
      `INSERT OR IGNORE INTO outgoing_parts (tenant_id, gateway_message_id, outgoing_id, status_rank) VALUES (?, ?, ?, ?)`,
    );
    this.reportTx = sqlite.transaction(
      (tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): boolean => {
        const key = [tenantId, channelMessageId] as const;
        const part = this.findPart.get(...key);
        const rank = statusRank(status);
        if (!part || part.status_rank >= rank) return false;
        this.updatePart.run(rank, reason ?? null, ...key);
        // A part of a message still being sent: the CRM hears of it once the message is sent (`catchUp`).
        if (part.state === "queued" || part.state === "leased") return true;
        return this.catchUp(tenantId, part.outgoing_id);
      },
    );
  }

  /** Moves a message to what its parts' statuses say (after a send, for statuses that came during it). */
  catchUp(tenantId: number, outgoingId: number): boolean {
    const agg = this.aggregate.get(outgoingId)!;
    if (agg.max === null || agg.min === null) return false;
    const messageRank = agg.max === ERROR_RANK ? ERROR_RANK : agg.min;
    return this.setMessageStatus(tenantId, outgoingId, MESSAGE_STATUSES[messageRank - 1]!);
  }

  /** Unmaps a part id the send replaced (the channel took that part again under another id). */
  forgetPart(tenantId: number, outgoingId: number, channelMessageId: string): void {
    this.deletePart.run(tenantId, channelMessageId, outgoingId);
  }

  /** Records the gateway ids of a message that was just sent (all at `sent`). Call in a transaction. */
  recordParts(tenantId: number, outgoingId: number, gatewayIds: string[]): void {
    for (const id of gatewayIds) {
      this.insertPart.run(tenantId, id, outgoingId, statusRank("sent"));
    }
  }

  /**
   * Moves a whole message to `status` (e.g. sent after a send, error after a permanent failure, with
   * its reason). The CRM hears it with the message's channel ids and what its host stored with it.
   */
  setMessageStatus(tenantId: number, outgoingId: number, status: MessageStatus, reason?: string): boolean {
    const rank = statusRank(status);
    const row = this.raiseMessage.get(rank, outgoingId, rank);
    if (!row) return false;
    if (row.crm_message_id !== null) {
      const parts = this.partIds.all(outgoingId);
      const why = reason ?? (status === "error" ? parts.find((p) => p.reason !== null)?.reason : undefined);
      const body: StatusRequestBody = {
        id: row.crm_message_id,
        status,
        ...(why == null ? {} : { reason: why }),
        ...(parts.length ? { channelIds: parts.map((p) => p.gateway_message_id) } : {}),
        ...(row.host_data === null ? {} : { hostData: JSON.parse(row.host_data) as unknown }),
      };
      this.outbox.enqueueNow({ tenantId, kind: "status", body, orderKey: row.crm_message_id });
    }
    return true;
  }

  /** Applies a status reported by the gateway for one of its message ids (one transaction); false if nothing moved. */
  report(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): boolean {
    return this.reportTx(tenantId, channelMessageId, status, reason);
  }
}
