/**
 * @module db/pg-transaction — one transaction of a raw-SQL PostgreSQL store on a client of its pool:
 * BEGIN, the work, COMMIT; ROLLBACK when the work throws. A client whose rollback failed (its
 * connection broke) is destroyed instead of going back to the pool.
 */
import type pg from "pg";

/** What runs a query: a pooled client inside a transaction, or the pool itself. */
export type PgQueryable = Pick<pg.ClientBase, "query">;

/** Runs `work` in a transaction on a client of `pool` and answers what it answered once committed. */
export async function inPgTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener: a connection lost between two queries would end the process.
  const onError = (error: Error) => (broken = error);
  client.on("error", onError);
  const release = () => {
    client.off("error", onError);
    client.release(broken);
  };
  try {
    await client.query("BEGIN");
  } catch (error) {
    broken = error as Error;
    release();
    throw error;
  }
  try {
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // After a failed COMMIT the ROLLBACK fails too when the connection broke: then it is not reused.
    await client.query("ROLLBACK").catch((rollback: Error) => (broken = rollback));
    throw error;
  } finally {
    release();
  }
}

/** SQLSTATEs after which PostgreSQL rolled the whole statement or transaction back, and running it again can succeed. */
const ROLLED_BACK_CONFLICTS = new Set(["40P01", "40001"]);

/**
 * Runs `work` again, up to `attempts` times in all, when PostgreSQL aborted it for a deadlock or a
 * serialization failure (it was rolled back whole, so a rerun cannot write twice). Two replicas
 * storing the same CRM messages in different orders at once deadlock on the unique index; the
 * rerun finds them stored. Other errors are thrown at once.
 */
export async function retryConflicts<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== "string" || !ROLLED_BACK_CONFLICTS.has(code)) throw error;
    }
  }
}
