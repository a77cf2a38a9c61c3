/**
 * @module db/column-kit — the column kinds a table defined once (`defineTables`) is made of, and
 * the constraints on them, each given for SQLite and for PostgreSQL. The SQLite kit is typed as
 * what it builds; the PostgreSQL kit builds pg-core columns with the same JavaScript values and is
 * typed as the SQLite kit, so a definition (and the portable code using its tables) type-checks once.
 */
import * as pg from "drizzle-orm/pg-core";
import * as sqlite from "drizzle-orm/sqlite-core";
import type { Writable } from "drizzle-orm";

/** A Buffer column of PostgreSQL (`bytea`), which pg-core has no builder for. */
export const bytea = pg.customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});

/** Column kinds for SQLite: what today's tables are made of, nothing more. */
export const sqliteColumns = {
  /** A whole number that fits 32 bits (counts, ranks, tenant ids): SQLite INTEGER, PostgreSQL integer. */
  integer: <N extends string>(name: N) => sqlite.integer(name),
  /**
   * A whole number beyond 32 bits (ms times, sizes, ids of busy tables): SQLite INTEGER,
   * PostgreSQL bigint, read as a JavaScript number (exact up to 2^53).
   */
  bigint: <N extends string>(name: N) => sqlite.integer(name),
  /** Text, optionally typed as one of `enum` (a type only: no CHECK in either dialect). */
  text: sqliteText,
  /** true/false: SQLite INTEGER 0/1, PostgreSQL boolean. */
  boolean: <N extends string>(name: N) => sqlite.integer(name, { mode: "boolean" }),
  /** Bytes as a Buffer: SQLite BLOB, PostgreSQL bytea. */
  bytes: <N extends string>(name: N) => sqlite.blob(name, { mode: "buffer" }),
  /** The table's id, assigned by the database and never reused: SQLite INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL integer identity. */
  id: <N extends string>(name: N) => sqlite.integer(name).primaryKey({ autoIncrement: true }),
  /** `id` for a table that may outgrow 32 bits (the queue, the outbox): PostgreSQL bigint identity. */
  bigId: <N extends string>(name: N) => sqlite.integer(name).primaryKey({ autoIncrement: true }),
  /**
   * Columns only the PostgreSQL table has, written with pg-core (`(pg) => ({ seq:
   * pg.bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity() })`): what SQLite gets by
   * itself (a rowid) or does not need. Absent from the SQLite table and from the shared type, so
   * only PostgreSQL's own (raw SQL) code uses them.
   */
  postgresOnly: (_columns: (pgCore: typeof pg) => Record<string, pg.PgColumnBuilderBase>): Record<never, never> => ({}),
};

function sqliteText<N extends string, T extends Readonly<[string, ...string[]]> = [string, ...string[]]>(
  name: N,
  config?: { enum: T | Writable<T> },
): sqlite.SQLiteTextBuilderInitial<N, Writable<T>, number | undefined> {
  return sqlite.text(name, config);
}

/** The column kinds a definition uses (typed as SQLite's). */
export type ColumnKit = typeof sqliteColumns;

/** The same kinds for PostgreSQL (see each kind on `sqliteColumns`). */
export const postgresColumns = {
  integer: (name: string) => pg.integer(name),
  bigint: (name: string) => pg.bigint(name, { mode: "number" }),
  text: (name: string, config?: { enum: Readonly<[string, ...string[]]> }) => pg.text(name, config),
  boolean: (name: string) => pg.boolean(name),
  bytes: (name: string) => bytea(name),
  id: (name: string) => pg.integer(name).primaryKey().generatedByDefaultAsIdentity(),
  bigId: (name: string) => pg.bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  postgresOnly: (columns: (pgCore: typeof pg) => Record<string, pg.PgColumnBuilderBase>) => columns(pg),
} satisfies Record<keyof ColumnKit, (name: never) => unknown>;

/** Table constraints and indexes for SQLite (the same calls as sqlite-core's). */
export const sqliteConstraints = {
  primaryKey: sqlite.primaryKey,
  index: sqlite.index,
  uniqueIndex: sqlite.uniqueIndex,
  unique: sqlite.unique,
  foreignKey: sqlite.foreignKey,
  /**
   * The table's integer id as the last column of an index, spread into `.on(…)`: every SQLite
   * index ends with the rowid (an INTEGER PRIMARY KEY is it) by itself, PostgreSQL's needs the
   * column, or `ORDER BY due, id LIMIT n` sorts every matching row instead of walking the index.
   */
  rowid: <C>(_id: C): C[] => [],
};

/** The constraints a definition uses (typed as SQLite's). */
export type ConstraintKit = typeof sqliteConstraints;

/** The same constraints for PostgreSQL. */
export const postgresConstraints = {
  primaryKey: pg.primaryKey,
  index: pg.index,
  uniqueIndex: pg.uniqueIndex,
  unique: pg.unique,
  foreignKey: pg.foreignKey,
  rowid: <C>(id: C): C[] => [id],
} satisfies Record<keyof ConstraintKit, unknown>;
