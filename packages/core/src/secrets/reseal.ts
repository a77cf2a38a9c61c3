/**
 * @module secrets/reseal — at start-up, re-encrypts every stored secret that is not sealed with
 * the current key: values sealed before a key rotation, and plaintext from before encryption.
 */
import { eq, getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { AnySQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client.js";
import { postgresOf, type PostgresDatabase } from "../db/postgres-client.js";
import { meta, registrations, settings } from "../db/schema.js";
import type { Keyring } from "./keyring.js";

/** A text column holding secrets, optionally only in the rows `where` selects. */
export interface SecretColumn {
  column: AnySQLiteColumn;
  where?: SQL;
}

/** The meta row holding the key that signs file links. */
export const FILE_LINK_SECRET_KEY = "file_link_secret";

/** Core's secret columns: HPTs, settings data (whole JSON), the file-link key. */
export const CORE_SECRET_COLUMNS: readonly SecretColumn[] = [
  { column: registrations.hpt },
  { column: settings.data },
  { column: meta.value, where: eq(meta.key, FILE_LINK_SECRET_KEY) },
];

/**
 * Seals every value of `columns` that the current key did not seal, in one transaction; returns
 * how many were rewritten. Freed space is zeroed and the WAL checkpointed and truncated, so no
 * plaintext or old ciphertext (of these values, or of what migrations just dropped) stays behind in the files.
 */
export async function resealSecrets(db: Database, keyring: Keyring, columns: readonly SecretColumn[]): Promise<number> {
  return db.dialectName === "postgres"
    ? resealOnPostgres(postgresOf(db), keyring, columns)
    : resealOnSqlite(db, keyring, columns);
}

// Replicas starting together with a new key take turns (any key: one per purpose of Switchboard's).
const RESEAL_LOCK_KEY = "7526117412054217554";

/**
 * The same on PostgreSQL, in one transaction under an advisory lock. The columns are named by
 * their (SQLite) definitions, whose table and column names PostgreSQL's tables share; rows by
 * `ctid`, whatever their primary key. Old row versions are the server's to vacuum.
 */
async function resealOnPostgres(db: PostgresDatabase, keyring: Keyring, columns: readonly SecretColumn[]) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RESEAL_LOCK_KEY}::bigint)`);
    let rewritten = 0;
    for (const { column, where } of columns) {
      const table = sql.identifier(getTableName(column.table));
      const name = sql.identifier(column.name);
      const { rows } = await tx.execute<{ ctid: string; value: unknown }>(
        sql`SELECT ctid::text AS ctid, ${name} AS value FROM ${table}${where ? sql` WHERE ${where}` : sql``}`,
      );
      for (const { ctid, value } of rows) {
        if (typeof value !== "string" || value === "" || keyring.isCurrent(value)) continue;
        await tx.execute(
          sql`UPDATE ${table} SET ${name} = ${keyring.seal(keyring.open(value))} WHERE ctid = ${ctid}::tid`,
        );
        rewritten++;
      }
    }
    return rewritten;
  });
}

function resealOnSqlite(db: Database, keyring: Keyring, columns: readonly SecretColumn[]): number {
  // PRAGMAs have no query builder form; the rows themselves are read and rewritten with it, by
  // `rowid` because the pass walks columns of any table, whatever its primary key.
  const sqlite = db.$client;
  const secureDelete = sqlite.pragma("secure_delete", { simple: true });
  const busyTimeout = sqlite.pragma("busy_timeout", { simple: true });
  sqlite.pragma("secure_delete = ON");
  // Runs at start, before anything is served: a lock another process holds may be waited for.
  sqlite.pragma("busy_timeout = 5000");
  try {
    const count = db.transaction((tx) => {
      let rewritten = 0;
      for (const { column, where } of columns) {
        const table = column.table as SQLiteTable;
        const name = Object.entries(getTableColumns(table)).find(([, c]) => c === column)?.[0];
        if (!name) throw new Error(`Secret column ${column.name} is not a column of its table`);
        const rows = tx
          .select({ rowid: sql<number>`rowid`, value: column })
          .from(table)
          .where(where)
          .all() as { rowid: number; value: unknown }[];
        for (const { rowid, value } of rows) {
          if (typeof value !== "string" || value === "" || keyring.isCurrent(value)) continue;
          tx.update(table)
            .set({ [name]: keyring.seal(keyring.open(value)) })
            .where(sql`rowid = ${rowid}`)
            .run();
          rewritten++;
        }
      }
      return rewritten;
    });
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    return count;
  } finally {
    sqlite.pragma(`secure_delete = ${Number(secureDelete)}`);
    sqlite.pragma(`busy_timeout = ${Number(busyTimeout)}`);
  }
}
