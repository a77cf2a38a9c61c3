/**
 * @module messages/outgoing-store — the seam of the outgoing-message tables (`outgoing`,
 * `outgoing_parts`, `outgoing_send_parts`): the send queue's rows, their parts and statuses, a
 * send's durable progress, edits and removals. One interface, one class per database
 * (`SqliteOutgoingStore`, later `PgOutgoingStore`); the rows and parameters they share are here.
 *
 * Every method is one unit of work: what it writes commits together (one transaction inside the
 * method), and it is batch-oriented where the caller has many rows at once.
 */
import type { RowOf } from "../db/row-of.js";
import type { outgoing } from "../db/schema.js";
import type { TenantRow } from "../db/tenant-rows.js";
import type { Chat, ChatMessage, MessageStatus } from "../protocol/chat.js";

/** The columns a claim returns: one list for the statement's RETURNING and the row's type. */
export const CLAIMED = [
  "id",
  "tenant_id",
  "crm_message_id",
  "payload",
  "contact",
  "attempts",
  "created_at",
  "action",
  "target_id",
  "host_data",
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

/** A message to store in the queue: its tenant, the message, and what its host keeps with it. */
export interface QueuedMessage {
  tenantId: number;
  message: ChatMessage;
  /** Stored as JSON with the message and carried into its statuses (`hostData`). */
  hostData?: unknown;
}

/** An edit or removal to store in the queue, for the message the CRM gave as `crmMessageId`. */
export interface QueuedOperation {
  tenantId: number;
  action: "edit" | "remove";
  crmMessageId: string;
  operationKey: string;
  /** The new content (edit), or null (remove). */
  message: Pick<ChatMessage["message"], "content" | "attachments"> | null;
  /** Default: the message's own host data. */
  hostData?: unknown;
}

/** What storing an operation did: stored, a repeat, or why not (see core's `OperationOutcome`). */
export type OperationStored = "queued" | "repeated" | "unknown" | "failed";

/** The message an operation changes, as it stands when the operation's turn comes. */
export type OperationTarget =
  | { state: "waiting"; until: number }
  | { state: "sent"; crmMessageId: string; message: ChatMessage; channelIds: string[] }
  | { state: "failed" | "unknown" };

/** A claimed row put back in the queue without counting its attempt, due at `at`. */
export interface DeferredRow {
  id: number;
  at: number;
  /**
   * For an operation put back because an earlier row of its message is unfinished: when it is due
   * instead should that row have finished meanwhile (its wake-up found this row claimed, not queued).
   */
  ifUnblocked?: number;
}

/** What releasing expired leases did: the tenants whose rows went back, and the next foreign lease to check. */
export interface ReleasedLeases {
  tenantIds: number[];
  /** The earliest lease of a send not in `running` after the release, or null when there is none. */
  nextLease: number | null;
}

/** The outgoing message a channel message id belongs to. */
export interface FoundOutgoing {
  chat: Chat;
  crmMessageId: string | null;
}

/**
 * The outgoing-message tables and every write to them. Methods that report a status to the CRM
 * (`markSent`, `markFailed`, `markOperation*`, `report`) store the outbox row in the same
 * transaction and tell the outbox's wake-up (given to the implementation) which tenant has one.
 */
export interface OutgoingStore {
  /** Stores messages in one transaction; each is true when stored, false when its tenant already has its CRM id. */
  insertAll(items: readonly QueuedMessage[], now: number): Promise<boolean[]>;
  /** Stores an edit or removal (one transaction), unless its message is unknown or failed, or it is a repeat. */
  insertOperation(op: QueuedOperation, now: number): Promise<OperationStored>;
  /**
   * Puts leased rows whose lease ran out, and whose send is not in `running` (this process's
   * sends, still going whatever their lease says), back in the queue; their attempts stay counted.
   * `tenantIds`: only these tenants' rows (a replica's own tenants; default every tenant's).
   */
  releaseExpired(now: number, running: readonly number[], tenantIds?: readonly number[]): Promise<ReleasedLeases>;
  /**
   * Puts every leased row of the tenant back in the queue at once, but those in `running`: this
   * replica just acquired the tenant and nobody else runs its work (their attempts stay counted);
   * answers how many went back. In the same step the previous owner's rate-limit waits go: every
   * queued row that never failed is due at one time, the earliest of theirs or `now`, so the claim
   * (oldest due first, then oldest stored) takes them in the order they were stored. Those waits
   * were kept in order by the old owner's limiter alone; kept, a message stored after a wait was
   * written would be due before it and overtake its chat's older message on the new owner. A
   * row that failed keeps its retry time (the channel's retry-after, the backoff).
   */
  releaseLeased(tenantId: number, running: readonly number[], now: number): Promise<number>;
  /** Leases up to `limit` of the tenant's due rows, oldest first, counting an attempt each (one atomic statement). */
  claimDue(tenantId: number, now: number, leaseUntil: number, limit: number): Promise<OutgoingRow[]>;
  /** Puts claimed rows back without counting their attempts (rate-limited, waiting, or shutting down). */
  deferAll(rows: readonly DeferredRow[]): Promise<void>;
  /** Puts a failed row back for another attempt at `at`, with why it failed. */
  retry(id: number, at: number, reason: string): Promise<void>;
  /**
   * Marks messages sent (one transaction): their parts recorded, their progress cleared, `sent`
   * reported; returns the tenants of edits and removals that waited for them (now due).
   */
  markSent(items: readonly SentMessage[], now: number): Promise<number[]>;
  /** Marks a message failed for good (one transaction): its progress cleared, `error` reported; returns tenants as `markSent`. */
  markFailed(row: OutgoingRow, reason: string, now: number): Promise<number[]>;
  /** Where an operation's message stands: still ahead of it in the queue (until when, at the latest), sent, or neither. */
  operationTarget(row: OutgoingRow): Promise<OperationTarget>;
  /** Marks an operation carried out (its edit's status reported with `ids`); returns tenants with rows it woke. */
  markOperationDone(row: OutgoingRow, ids: string[] | null, now: number): Promise<number[]>;
  /** Marks an operation failed for good (an edit's error reported when `report`); returns tenants with rows it woke. */
  markOperationFailed(row: OutgoingRow, reason: string, report: boolean, now: number): Promise<number[]>;
  /** When the tenant's earliest queued row is due, or null. */
  tenantNextDue(tenantId: number): Promise<number | null>;
  /** Every tenant with queued rows and its earliest due time. */
  queuedTenants(): Promise<QueuedTenantRow[]>;
  /** The parts of one send recorded so far (`ctx.parts`), by part index. */
  readParts(outgoingId: number): Promise<Map<number, string>>;
  /**
   * Records, durably, that the channel took part `index` of a send as `channelMessageId`, mapped at
   * once so a status or a reply finds its message; `previous` is the id it replaces (one transaction).
   */
  recordPart(
    tenantId: number,
    outgoingId: number,
    index: number,
    channelMessageId: string,
    previous: string | undefined,
  ): Promise<void>;
  /** Applies a status the channel reported for one of its message ids (one transaction); false if nothing moved. */
  report(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): Promise<boolean>;
  /** The outgoing message a channel message id belongs to. */
  findOutgoing(tenantId: number, channelMessageId: string): Promise<FoundOutgoing | undefined>;
}
