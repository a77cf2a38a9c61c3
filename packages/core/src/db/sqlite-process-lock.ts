/**
 * @module db/sqlite-process-lock — one process per SQLite database: a serving process holds an
 * exclusive SQLite lock on a companion file, `<database>.lock`, for as long as it runs, so a second
 * process started on the same database is refused at once instead of sharing its queue. The OS
 * drops the lock with the process, however it ends (kill -9 included). The database file itself is
 * not locked: other tools may still read it.
 *
 * Within one process the lock is shared (counted): SQLite's locks belong to the process, and tests
 * start the "next process" of a crashed gateway in the same one.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { makePrivateDirSync, makePrivateFileSync } from "./private-files.js";

/** Another process serves this SQLite database. */
export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
}

/** Held until {@link release}d (or the process ends). */
export interface SqliteProcessLock {
  /** Lets the next process have the database; idempotent. */
  release(): void;
}

const held = new Map<string, { lock: BetterSqlite3.Database; holders: number }>();

/** Takes the lock of the database at `path`, or throws {@link DatabaseInUseError}; `:memory:` needs none. */
export function lockSqliteDatabase(path: string): SqliteProcessLock {
  if (path === ":memory:" || path.startsWith("file:")) return { release() {} };
  const lockPath = `${path}.lock`;
  makePrivateDirSync(dirname(path));
  makePrivateFileSync(lockPath);
  const key = realpathSync(lockPath);
  let entry = held.get(key);
  if (entry) entry.holders++;
  else {
    entry = { lock: acquire(lockPath, path), holders: 1 };
    held.set(key, entry);
  }
  let released = false;
  const mine = entry;
  return {
    release() {
      if (released) return;
      released = true;
      if (--mine.holders > 0) return;
      held.delete(key);
      mine.lock.close();
    },
  };
}

function acquire(lockPath: string, path: string): BetterSqlite3.Database {
  const lock = new BetterSqlite3(lockPath);
  try {
    lock.pragma("busy_timeout = 0");
    // Exclusive locking mode keeps the lock of the first write until the connection closes.
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL)");
    lock.prepare("DELETE FROM holder").run();
    lock.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
    return lock;
  } catch (error) {
    lock.close();
    if (/^SQLITE_BUSY/.test(String((error as { code?: unknown }).code))) {
      throw new DatabaseInUseError(
        `the database ${path} is in use by another process (it holds ${lockPath}); stop that process first, or give this one its own SWITCHBOARD_DB_PATH (several replicas share a PostgreSQL database, not a SQLite file)`,
      );
    }
    throw error;
  }
}
