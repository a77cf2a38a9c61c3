/**
 * @module webhooks/sqlite-storing-writes — the writes a follow-up answers (`StoringWrite`), run on
 * SQLite's one connection, which is inside the storing transaction (the follow-up's savepoint)
 * while they run.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { StoringWrite } from "./event-store.js";

/** Runs each write's SQL with its parameters, in order, synchronously. */
export function runSqliteStoringWrites(sqlite: BetterSqlite3.Database, writes: void | readonly StoringWrite[]): void {
  for (const write of writes ?? []) {
    const { sql, params } = write.toSQL();
    const statement = sqlite.prepare(sql);
    // A write with RETURNING reads rows: better-sqlite3 runs those with all(), not run().
    if (statement.reader) statement.all(...params);
    else statement.run(...params);
  }
}
