/**
 * @module server/maintenance — periodic clean-up: expired stored files, old dedupe ids, old finished messages.
 */
import { lt } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { seenEvents } from "../db/schema.js";
import type { FileStore } from "../files/file-store.js";
import { purgeFinishedMessages } from "../messages/sqlite-outgoing-store.js";

const HOUR = 3600_000;
/** Dedupe ids and finished messages are kept this long (Telegram redelivers for 24 h; CRMs retry for days). */
const HISTORY_MS = 30 * 24 * HOUR;

/** Runs one clean-up pass; returns what was removed. */
export async function runMaintenance(db: Database, files: FileStore, fileTtlMs: number) {
  const cutoff = Date.now() - HISTORY_MS;
  const removedFiles = await files.clean(fileTtlMs);
  const seen = db.delete(seenEvents).where(lt(seenEvents.seenAt, cutoff)).run().changes;
  const finished = purgeFinishedMessages(db, cutoff);
  return { removedFiles, seen, finished };
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
