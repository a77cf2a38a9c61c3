/**
 * @module messages/pg-status-tracker — forward-only statuses of outgoing messages, reported to the
 * CRM once each, on PostgreSQL: the outgoing store's part for `outgoing_parts`, run on a client
 * inside its transactions. Same rules as on SQLite (`sqlite-status-tracker`): a message's status is
 * the lowest of its parts' (error when any failed); the CRM hears each step of it once, in order.
 *
 * Concurrency: every writer of a message's statuses holds its `outgoing` row's lock before it reads
 * the parts' statuses (a report locks it first; markSent/markFailed update it first), so two
 * reports for two parts of one message never both read the other's part as it was and lose the step.
 */
import type { RowOf } from "../db/row-of.js";
import type { outgoing } from "../db/schema.js";
import { PG_NUMBERS } from "../db/pg-numbers.js";
import type { PgQueryable } from "../db/pg-transaction.js";
import type { StatusRequestBody } from "../hosts/types.js";
import type { OutboxRequest } from "../outbox/outbox-store.js";
import { MESSAGE_STATUSES, statusRank, type MessageStatus } from "../protocol/chat.js";

const ERROR_RANK = statusRank("error");

/** A step to apply to one message: to `status` (with its reason), then to what its parts say (`catchUp`). */
export interface StatusChange {
  tenantId: number;
  outgoingId: number;
  status?: MessageStatus;
  reason?: string;
  /** Then move it to what its parts' statuses say (statuses that came while it was being sent). */
  catchUp?: boolean;
}

/** One part as read for a status: its channel id, status rank and reason. */
type PartTuple = [channelMessageId: string, rank: number, reason: string | null];

type MessageStatusRow = Pick<RowOf<typeof outgoing>, "id" | "status_rank" | "crm_message_id" | "host_data"> & {
  parts: PartTuple[];
};

/**
 * Applies `changes` in order on `client` (inside the caller's transaction, the messages' rows
 * already locked by it): raises the messages' status ranks and answers the CRM requests to store
 * with them, and, per change, whether its message moved.
 */
export async function applyStatusChanges(
  client: PgQueryable,
  changes: readonly StatusChange[],
): Promise<{ requests: OutboxRequest[]; moved: boolean[] }> {
  if (changes.length === 0) return { requests: [], moved: [] };
  const { rows } = await client.query<MessageStatusRow>({
    name: "statuses-read",
    // Parts in the order they were recorded (SQLite's rowid order): the CRM's channelIds, an edit's parts.
    text: `SELECT o.id, o.status_rank, o.crm_message_id, o.host_data,
                  COALESCE((SELECT json_agg(json_build_array(p.gateway_message_id, p.status_rank, p.reason) ORDER BY p.seq)
                            FROM outgoing_parts p WHERE p.outgoing_id = o.id), '[]') AS parts
           FROM outgoing o WHERE o.id = ANY($1::bigint[])`,
    values: [changes.map((c) => c.outgoingId)],
    types: PG_NUMBERS,
  });
  const messages = new Map(rows.map((row) => [row.id, row]));
  const ranks = new Map<number, number>();
  const requests: OutboxRequest[] = [];
  const moved: boolean[] = [];
  const raise = (tenantId: number, message: MessageStatusRow, status: MessageStatus, reason?: string): boolean => {
    const rank = statusRank(status);
    const current = ranks.get(message.id) ?? message.status_rank;
    if (current >= rank || current >= ERROR_RANK) return false;
    ranks.set(message.id, rank);
    if (message.crm_message_id !== null) {
      const parts = message.parts;
      const why = reason ?? (status === "error" ? parts.find((p) => p[2] !== null)?.[2] : undefined);
      const body: StatusRequestBody = {
        id: message.crm_message_id,
        status,
        ...(why == null ? {} : { reason: why }),
        ...(parts.length ? { channelIds: parts.map((p) => p[0]) } : {}),
        ...(message.host_data === null ? {} : { hostData: JSON.parse(message.host_data) as unknown }),
      };
      requests.push({ tenantId, kind: "status", body, orderKey: message.crm_message_id });
    }
    return true;
  };
  for (const change of changes) {
    const message = messages.get(change.outgoingId);
    let didMove = false;
    if (message) {
      if (change.status) didMove = raise(change.tenantId, message, change.status, change.reason);
      if (change.catchUp && message.parts.length > 0) {
        const partRanks = message.parts.map((p) => p[1]);
        const max = Math.max(...partRanks);
        const messageRank = max === ERROR_RANK ? ERROR_RANK : Math.min(...partRanks);
        didMove = raise(change.tenantId, message, MESSAGE_STATUSES[messageRank - 1]!) || didMove;
      }
    }
    moved.push(didMove);
  }
  if (ranks.size > 0) {
    await client.query({
      name: "statuses-raise",
      text: `UPDATE outgoing o SET status_rank = r.rank
             FROM unnest($1::bigint[], $2::int[]) AS r(id, rank)
             WHERE o.id = r.id AND o.status_rank < r.rank`,
      values: [[...ranks.keys()], [...ranks.values()]],
    });
  }
  return { requests, moved };
}

/** What a report found and did before the message's status: no part, part did not move, or moved (and the message's state). */
export type PartReport = { moved: false } | { moved: true; outgoingId: number; sending: boolean };

/**
 * Moves one part's status forward on `client` (inside a transaction): locks its message's row
 * first (see the module comment), then raises the part. `sending` when the message is still queued
 * or leased: the CRM hears of the part once the message is sent (its catch-up).
 */
export async function reportPart(
  client: PgQueryable,
  tenantId: number,
  channelMessageId: string,
  status: MessageStatus,
  reason: string | undefined,
): Promise<PartReport> {
  const { rows } = await client.query<Pick<RowOf<typeof outgoing>, "id" | "state">>({
    name: "statuses-lock-message",
    text: `SELECT o.id, o.state FROM outgoing o
           WHERE o.id = (SELECT p.outgoing_id FROM outgoing_parts p WHERE p.tenant_id = $1 AND p.gateway_message_id = $2)
           FOR UPDATE`,
    values: [tenantId, channelMessageId],
    types: PG_NUMBERS,
  });
  const message = rows[0];
  if (!message) return { moved: false };
  const rank = statusRank(status);
  const part = await client.query({
    name: "statuses-raise-part",
    text: `UPDATE outgoing_parts SET status_rank = $3, reason = $4
           WHERE tenant_id = $1 AND gateway_message_id = $2 AND status_rank < $3`,
    values: [tenantId, channelMessageId, rank, reason ?? null],
  });
  if (!part.rowCount) return { moved: false };
  return { moved: true, outgoingId: message.id, sending: message.state === "queued" || message.state === "leased" };
}
