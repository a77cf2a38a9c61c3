/**
 * @module db/postgres-storage-probe — whether PostgreSQL takes writes again: one cheap statement
 * through the pool that needs a connection and a writable server (a standby refuses to assign a
 * transaction id), and changes no data.
 */
import type pg from "pg";
import type { StorageProbe } from "./storage-health.js";

/** The probe of StorageHealth for a PostgreSQL pool. */
export function postgresStorageProbe(pool: pg.Pool): StorageProbe {
  return async () => {
    await pool.query("SELECT pg_current_xact_id()");
    return true;
  };
}
