/**
 * @module db/dialect-tables — one definition per table giving a SQLite table and a PostgreSQL
 * table. `defineTables((t) => ({ x: t.table("x", (c) => ({ … }), (x, k) => [ … ]) }))` runs the
 * definition once with SQLite's column kit and once with PostgreSQL's: `.sqlite` holds real
 * sqlite-core tables with their exact types (what the SQLite migrations are generated from),
 * `.postgres` real pg-core tables typed as the SQLite ones, so portable code written against
 * `tables.for(db)` type-checks once and runs on either store.
 */
import { pgTable } from "drizzle-orm/pg-core";
import { sqliteTable, type SQLiteColumnBuilderBase, type SQLiteTableExtraConfigValue } from "drizzle-orm/sqlite-core";
import type { BuildColumns } from "drizzle-orm";
import type { SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";
import {
  postgresColumns,
  postgresConstraints,
  sqliteColumns,
  sqliteConstraints,
  type ColumnKit,
  type ConstraintKit,
} from "./column-kit.js";

/** The two stores a `Database` can be. */
export type Dialect = "sqlite" | "postgres";

/** What `defineTables` hands a definition: `table(name, columns, constraints)`. */
export interface TableKit {
  /**
   * A table: `columns` builds its columns from the kit `c` (integer, bigint, text, boolean, bytes,
   * id, bigId, with drizzle's `.notNull()`, `.default()`, `.primaryKey()`, `.references()`);
   * `constraints` gets the built columns and the kit `k` (primaryKey, index, uniqueIndex, unique, foreignKey).
   */
  table<TName extends string, TColumns extends Record<string, SQLiteColumnBuilderBase>>(
    name: TName,
    columns: (c: ColumnKit) => TColumns,
    constraints?: (self: BuildColumns<TName, TColumns, "sqlite">, k: ConstraintKit) => SQLiteTableExtraConfigValue[],
  ): SQLiteTableWithColumns<{
    name: TName;
    schema: undefined;
    columns: BuildColumns<TName, TColumns, "sqlite">;
    dialect: "sqlite";
  }>;
}

/** A set of tables defined once, for both dialects. */
export interface DialectTables<T> {
  /** The SQLite tables (exact types; the SQLite migrations come from these). */
  readonly sqlite: T;
  /** The PostgreSQL tables, typed as the SQLite ones (the PostgreSQL migrations come from these). */
  readonly postgres: T;
  /** The tables of the store `db` is: what portable code queries. */
  for(db: { readonly dialectName: Dialect }): T;
}

const sqliteKit: TableKit = {
  table: (name, columns, constraints) =>
    sqliteTable(name, columns(sqliteColumns), constraints && ((self) => constraints(self, sqliteConstraints))),
};

// Typed as the SQLite kit on purpose (the module's point); the column and constraint kits'
// `satisfies` checks keep both kits' shapes the same.
const postgresKit = {
  table: (
    name: string,
    columns: (c: ColumnKit) => Record<string, unknown>,
    constraints?: (self: never, k: ConstraintKit) => unknown[],
  ) =>
    pgTable(
      name,
      columns(postgresColumns as unknown as ColumnKit) as never,
      constraints && ((self) => constraints(self as never, postgresConstraints as unknown as ConstraintKit) as never),
    ),
} as unknown as TableKit;

/** Defines tables once for SQLite and PostgreSQL (see the module's comment). */
export function defineTables<T extends Record<string, unknown>>(define: (t: TableKit) => T): DialectTables<T> {
  const tables = { sqlite: define(sqliteKit), postgres: define(postgresKit) };
  return {
    ...tables,
    for: (db) => (db.dialectName === "postgres" ? tables.postgres : tables.sqlite),
  };
}
