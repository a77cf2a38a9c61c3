/**
 * @module retention/finished-messages — deletes outgoing messages that finished (sent or failed for
 * good) before a cutoff, with their parts, a bounded batch per transaction. Rows still queued,
 * leased or retrying have no `finished_at` and are never touched, nor a finished message an
 * unfinished edit or removal still targets (it needs the message's parts).
 */
import { and, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { postgresOf } from "../db/postgres-client.js";
import { coreTables } from "../db/schema.js";
import type { BatchOptions } from "./batched-delete.js";

/** What went: messages and their parts. */
export interface FinishedRemoved {
  outgoing: number;
  outgoing_parts: number;
}

/** Deletes messages finished before `cutoff` with their parts, `batchSize` messages per transaction. */
export async function purgeFinishedMessages(
  db: Database,
  cutoff: number,
  options: BatchOptions,
): Promise<FinishedRemoved> {
  const { outgoing, outgoingParts } = coreTables.for(db);
  const old = and(
    isNotNull(outgoing.finishedAt),
    lt(outgoing.finishedAt, cutoff),
    sql`NOT EXISTS (SELECT 1 FROM outgoing AS follower WHERE follower.target_id = ${outgoing.id} AND follower.finished_at IS NULL)`,
  );
  const batch = db.select({ id: outgoing.id }).from(outgoing).where(old).limit(options.batchSize);
  const removed: FinishedRemoved = { outgoing: 0, outgoing_parts: 0 };
  for (;;) {
    // Messages and their parts in one transaction: neither is ever left without the other.
    const step =
      db.dialectName === "postgres"
        ? await postgresOf(db).transaction(async (tx) => {
            const ids = (await tx
              .delete(outgoing as never)
              .where(inArray(outgoing.id, batch as never))
              .returning({ id: outgoing.id } as never)) as { id: number }[];
            const parts = ids.length
              ? ((
                  await tx.delete(outgoingParts as never).where(
                    inArray(
                      outgoingParts.outgoingId,
                      ids.map((r) => r.id),
                    ),
                  )
                ).rowCount ?? 0)
              : 0;
            return { messages: ids.length, parts };
          })
        : db.transaction((tx) => {
            const ids = tx.delete(outgoing).where(inArray(outgoing.id, batch)).returning({ id: outgoing.id }).all();
            const parts = ids.length
              ? tx
                  .delete(outgoingParts)
                  .where(
                    inArray(
                      outgoingParts.outgoingId,
                      ids.map((r) => r.id),
                    ),
                  )
                  .run().changes
              : 0;
            return { messages: ids.length, parts };
          });
    removed.outgoing += step.messages;
    removed.outgoing_parts += step.parts;
    if (step.messages < options.batchSize || options.stopped?.()) return removed;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
