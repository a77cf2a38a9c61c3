/**
 * @module outbox/status-tracker — forward-only statuses of outgoing messages, reported to the CRM once each.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import { MESSAGE_STATUSES, statusRank, type MessageStatus } from "../protocol/chat.js";
import type { PluginReference } from "../protocol/reference.js";
import type { CrmOutbox } from "./crm-outbox.js";

const ERROR_RANK = statusRank("error");

/**
 * Tracks the status of each part (channel message id) of an outgoing message. The message's status
 * is the lowest of its parts' (all parts must be delivered for the message to be), or error when
 * any part failed; the CRM hears each step of that aggregate once, in order.
 */
export class StatusTracker {
  private readonly findPart: Statement;
  private readonly updatePart: Statement;
  private readonly aggregate: Statement;
  private readonly raiseMessage: Statement;
  private readonly insertPart: Statement;
  private readonly reportTx: (
    ref: PluginReference,
    channelMessageId: string,
    status: MessageStatus,
    reason?: string,
  ) => boolean;

  constructor(
    private readonly db: Database,
    private readonly outbox: CrmOutbox,
  ) {
    const sqlite = db.$client;
    this.findPart = sqlite.prepare(
      `SELECT outgoing_id, status_rank FROM outgoing_parts
       WHERE company_id = ? AND plugin_alias = ? AND plugin_id = ? AND gateway_message_id = ?`,
    );
    this.updatePart = sqlite.prepare(
      `UPDATE outgoing_parts SET status_rank = ?, reason = ?
       WHERE company_id = ? AND plugin_alias = ? AND plugin_id = ? AND gateway_message_id = ?`,
    );
    this.aggregate = sqlite.prepare(
      `SELECT MAX(status_rank) AS max, MIN(status_rank) AS min FROM outgoing_parts WHERE outgoing_id = ?`,
    );
    this.raiseMessage = sqlite.prepare(
      `UPDATE outgoing SET status_rank = ? WHERE id = ? AND status_rank < ? AND status_rank < ${ERROR_RANK}
       RETURNING crm_message_id`,
    );
    this.insertPart = sqlite.prepare(
      `INSERT OR IGNORE INTO outgoing_parts (company_id, plugin_alias, plugin_id, gateway_message_id, outgoing_id, status_rank)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.reportTx = sqlite.transaction(
      (ref: PluginReference, channelMessageId: string, status: MessageStatus, reason?: string): boolean => {
        const key = [ref.companyId, ref.pluginAlias, ref.pluginId, channelMessageId] as const;
        const part = this.findPart.get(...key) as { outgoing_id: number; status_rank: number } | undefined;
        const rank = statusRank(status);
        if (!part || part.status_rank >= rank) return false;
        this.updatePart.run(rank, reason ?? null, ...key);
        const agg = this.aggregate.get(part.outgoing_id) as { max: number; min: number };
        const messageRank = agg.max === ERROR_RANK ? ERROR_RANK : agg.min;
        return this.setMessageStatus(ref, part.outgoing_id, MESSAGE_STATUSES[messageRank - 1]!);
      },
    );
  }

  /** Records the gateway ids of a message that was just sent (all at `sent`). Call in a transaction. */
  recordParts(ref: PluginReference, outgoingId: number, gatewayIds: string[]): void {
    for (const id of gatewayIds) {
      this.insertPart.run(ref.companyId, ref.pluginAlias, ref.pluginId, id, outgoingId, statusRank("sent"));
    }
  }

  /** Moves a whole message to `status` (e.g. sent after a send, error after a permanent failure). */
  setMessageStatus(ref: PluginReference, outgoingId: number, status: MessageStatus): boolean {
    const rank = statusRank(status);
    const row = this.raiseMessage.get(rank, outgoingId, rank) as { crm_message_id: string | null } | undefined;
    if (!row) return false;
    if (row.crm_message_id !== null) {
      this.outbox.enqueue(ref, "status", { id: row.crm_message_id, status }, row.crm_message_id);
    }
    return true;
  }

  /** Applies a status reported by the gateway for one of its message ids; false if nothing moved. */
  report(ref: PluginReference, channelMessageId: string, status: MessageStatus, reason?: string): boolean {
    return this.reportTx(ref, channelMessageId, status, reason);
  }
}
