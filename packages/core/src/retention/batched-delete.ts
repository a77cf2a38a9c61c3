/**
 * @module retention/batched-delete — deletes rows in statements of a bounded size, so a purge of a
 * million rows never holds its locks long nor builds one huge transaction (or WAL) at once.
 */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { affectedRows } from "../db/affected-rows.js";
import type { Database } from "../db/client.js";

/** Rows one delete statement of the retention pass removes at most. */
export const DEFAULT_PURGE_BATCH = 5000;

/** Options of {@link deleteInBatches}. */
export interface BatchOptions {
  /** Rows per statement at most. */
  batchSize: number;
  /** Asked between statements: true ends the loop early (the process is stopping). */
  stopped?: () => boolean;
}

/**
 * Deletes the rows of `table` matching `where`, at most `batchSize` per statement, each statement
 * its own transaction, until none match; answers how many went. Rows are picked by their physical
 * id (SQLite's rowid, PostgreSQL's ctid), so any table works, whatever its key.
 */
export async function deleteInBatches(
  db: Database,
  table: SQLiteTable,
  where: SQL | undefined,
  options: BatchOptions,
): Promise<number> {
  const physical = db.dialectName === "postgres" ? sql`ctid` : sql`rowid`;
  const batch = db.select({ row: physical }).from(table).where(where).limit(options.batchSize);
  // PostgreSQL looks ctids up directly from an array (a TID scan); `IN (subquery)` would scan the table.
  const picked = db.dialectName === "postgres" ? sql`ctid = ANY(ARRAY(${batch}))` : sql`rowid IN ${batch}`;
  let total = 0;
  for (;;) {
    const removed = affectedRows(await db.delete(table).where(picked));
    total += removed;
    if (removed < options.batchSize || options.stopped?.()) return total;
    // Lets requests in between: on SQLite the statements run on the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
