/**
 * @module db/sqlite-storage-probe — whether a SQLite file takes writes again: takes the write lock
 * and allocates pages, then rolls back, so nothing is written.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { StorageProbe } from "./storage-health.js";

// A probe row larger than a page, so that a full database (or page limit) fails the probe too.
const PROBE_BYTES = 16 * 1024;

/** The probe of StorageHealth for one SQLite connection. */
export function sqliteStorageProbe(sqlite: BetterSqlite3.Database): StorageProbe {
  // Raw SQL on purpose: the probe drives its own BEGIN IMMEDIATE … ROLLBACK on the connection, and
  // its row is never committed, so it reads or writes no data the query builder would.
  const probeWrite = sqlite.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('storage-probe', ?)`);
  return () => {
    // A transaction of our own is open: probing inside it would commit or roll back its work.
    if (sqlite.inTransaction) return false;
    try {
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        probeWrite.run("x".repeat(PROBE_BYTES));
      } finally {
        sqlite.exec("ROLLBACK");
      }
      return true;
    } catch (error) {
      try {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      } catch {
        // The connection rolls back by itself when it cannot; the next probe starts clean.
      }
      throw error;
    }
  };
}
