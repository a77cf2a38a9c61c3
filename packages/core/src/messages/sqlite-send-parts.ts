/**
 * @module messages/sqlite-send-parts — the durable progress of sends (`outgoing_send_parts`) on
 * SQLite: the outgoing store's part for it (a named hot path: prepared statements).
 */
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/client.js";
import type { RowOf } from "../db/row-of.js";
import type { outgoingSendParts } from "../db/schema.js";
import type { SqliteStatusTracker } from "./sqlite-status-tracker.js";

/** The parts table of the send queue. */
export class SqliteSendParts {
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
    private readonly statuses: SqliteStatusTracker,
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

  /** The parts of one send recorded so far, by index. */
  read(outgoingId: number): Map<number, string> {
    return new Map(this.load.all(outgoingId).map((r) => [r.part_index, r.channel_message_id]));
  }

  /** Records one part and maps its id (one transaction), unmapping the id it replaces. */
  record(tenantId: number, outgoingId: number, index: number, id: string, previous: string | undefined): void {
    this.recordTx(tenantId, outgoingId, index, id, previous);
  }

  /** Forgets the progress of a message that finished; call in the transaction that finishes it. */
  clear(outgoingId: number): void {
    this.clearAll.run(outgoingId);
  }
}
