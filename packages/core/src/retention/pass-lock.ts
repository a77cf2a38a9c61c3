/**
 * @module retention/pass-lock — one retention pass at a time per database: on PostgreSQL a session
 * advisory lock (held on a connection of its own for the pass, freed by PostgreSQL if the replica
 * dies), so of N replicas only one purges at once; SQLite has one process per file already.
 */
import type { Database } from "../db/client.js";
import { postgresOf } from "../db/postgres-client.js";

/** Runs work only when no other process runs it on the same database. */
export interface PassLock {
  /** Runs `work` holding the lock and answers `{ ran: true, value }`; `{ ran: false }` when another holds it. */
  tryRun<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** The advisory lock's first key: "retention" in Switchboard's locks (the second is the gateway's). */
const RETENTION_LOCK_CLASS = 0x5357_7265; // "SWre"

/** A 32-bit key of a name (FNV-1a), so gateways sharing one database purge independently. */
function nameKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of Buffer.from(name)) hash = Math.imul(hash ^ char, 0x01000193);
  return hash | 0;
}

/** The lock of retention passes of gateway `name` on `db`. */
export function retentionPassLock(db: Database, name: string): PassLock {
  if (db.dialectName !== "postgres") {
    return { tryRun: async (work) => ({ ran: true, value: await work() }) };
  }
  const pool = postgresOf(db).$client;
  const key = [RETENTION_LOCK_CLASS, nameKey(name)];
  return {
    async tryRun(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      try {
        // Advisory locks have no query-builder form.
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", key);
        if (!rows[0]?.locked) return { ran: false };
        try {
          return { ran: true, value: await work() };
        } finally {
          await client.query("SELECT pg_advisory_unlock($1, $2)", key).catch((error: Error) => (broken = error));
        }
      } finally {
        client.off("error", onError);
        // A connection whose unlock failed is closed, which frees the lock too.
        client.release(broken);
      }
    },
  };
}
