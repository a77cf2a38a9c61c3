/**
 * @module server/maintenance — periodic clean-up: expired stored files, old dedupe ids, old finished messages.
 */
import { and, inArray, isNotNull, lt } from "drizzle-orm";
import type { Logger } from "pino";
import { affectedRows } from "../db/affected-rows.js";
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
import type { FileStore } from "../files/file-store.js";

const HOUR = 3600_000;
/** Dedupe ids and finished messages are kept this long (Telegram redelivers for 24 h; CRMs retry for days). */
const HISTORY_MS = 30 * 24 * HOUR;

/** Runs one clean-up pass; returns what was removed. */
export async function runMaintenance(db: Database, files: FileStore, fileTtlMs: number) {
  const cutoff = Date.now() - HISTORY_MS;
  const { seenEvents } = coreTables.for(db);
  const removedFiles = await files.clean(fileTtlMs);
  const seen = affectedRows(await db.delete(seenEvents).where(lt(seenEvents.seenAt, cutoff)));
  const finished = await purgeFinishedMessages(db, cutoff);
  return { removedFiles, seen, finished };
}

/**
 * Deletes messages that finished before `cutoff`, with their parts; returns how many messages.
 * Two statements, no transaction: parts go first, so a crash between leaves finished messages
 * without parts (nothing asks for those), which the next pass deletes.
 */
export async function purgeFinishedMessages(db: Database, cutoff: number): Promise<number> {
  const { outgoing, outgoingParts } = coreTables.for(db);
  const old = and(isNotNull(outgoing.finishedAt), lt(outgoing.finishedAt, cutoff));
  await db
    .delete(outgoingParts)
    .where(inArray(outgoingParts.outgoingId, db.select({ id: outgoing.id }).from(outgoing).where(old)));
  return affectedRows(await db.delete(outgoing).where(old));
}

/** Starts an hourly clean-up; returns a function that stops it. */
export function scheduleMaintenance(db: Database, files: FileStore, fileTtlMs: number, logger: Logger): () => void {
  const run = () =>
    runMaintenance(db, files, fileTtlMs)
      .then((r) => logger.debug(r, "maintenance done"))
      .catch((err: unknown) => logger.warn({ err }, "maintenance failed"));
  const timer = setInterval(run, HOUR);
  timer.unref();
  return () => clearInterval(timer);
}
