/**
 * @module messages/send-parts — the durable `ctx.parts` of a send: which parts of a multi-part
 * message the channel already took, kept across retries and crashes until the message finishes.
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import type { RowOf } from "../db/row-of.js";
import type { outgoingSendParts } from "../db/schema.js";
import { InvalidInputError } from "../errors.js";
import type { SendParts } from "../gateway/types.js";
import type { StatusTracker } from "./status-tracker.js";

/** The parts table of the send queue (a named hot path: prepared statements). */
export class SendPartsStore {
  private readonly load: Statement<
    [outgoingId: number],
    Pick<RowOf<typeof outgoingSendParts>, "part_index" | "channel_message_id">
  >;
  private readonly upsert: Statement<[outgoingId: number, partIndex: number, channelMessageId: string]>;
  private readonly clearAll: Statement<[outgoingId: number]>;
  private readonly recordTx: (
    tenantId: number,
    outgoingId: number,
    index: number,
    id: string,
    previous: string | undefined,
  ) => void;

  constructor(
    db: Database,
    private readonly statuses: StatusTracker,
  ) {
    const sqlite = db.$client;
    this.load = sqlite.prepare(
      `SELECT part_index, channel_message_id FROM outgoing_send_parts WHERE outgoing_id = ? ORDER BY part_index`,
    );
    this.upsert = sqlite.prepare(
      `INSERT INTO outgoing_send_parts (outgoing_id, part_index, channel_message_id) VALUES (?, ?, ?)
       ON CONFLICT (outgoing_id, part_index) DO UPDATE SET channel_message_id = excluded.channel_message_id`,
    );
    this.clearAll = sqlite.prepare(`DELETE FROM outgoing_send_parts WHERE outgoing_id = ?`);
    this.recordTx = sqlite.transaction(
      (tenantId: number, outgoingId: number, index: number, id: string, previous: string | undefined) => {
        this.upsert.run(outgoingId, index, id);
        // Mapped at once, so a status or a reply for this part finds its message while the rest is sent.
        if (previous !== undefined) this.statuses.forgetPart(tenantId, outgoingId, previous);
        this.statuses.recordParts(tenantId, outgoingId, [id]);
      },
    );
  }

  /** The parts of one send, read from the table on first use (most sends never ask). */
  open(tenantId: number, outgoingId: number): SendParts {
    let known: Map<number, string> | undefined;
    const parts = () => (known ??= this.read(outgoingId));
    return {
      get: (index) => parts().get(index),
      all: () => new Map(parts()),
      record: (index, channelMessageId) => {
        if (!Number.isSafeInteger(index) || index < 0) {
          throw new InvalidInputError(`A part index must be a whole number from 0, not ${String(index)}`);
        }
        if (typeof channelMessageId !== "string" || channelMessageId.length === 0) {
          throw new InvalidInputError(`Part ${index} needs the channel's message id`);
        }
        const map = parts();
        const previous = map.get(index);
        if (previous === channelMessageId) return;
        this.recordTx(tenantId, outgoingId, index, channelMessageId, previous);
        map.set(index, channelMessageId);
      },
    };
  }

  /** Forgets the progress of a message that finished; call in the transaction that finishes it. */
  clear(outgoingId: number): void {
    this.clearAll.run(outgoingId);
  }

  private read(outgoingId: number): Map<number, string> {
    const rows = this.load.all(outgoingId);
    return new Map(rows.map((r) => [r.part_index, r.channel_message_id]));
  }
}
