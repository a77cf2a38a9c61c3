import { getTableName, is, sql } from "drizzle-orm";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client.js";
import { defineTables } from "./dialect-tables.js";
import { coreTables } from "./schema.js";
import { tenantColumns } from "./tenant-rows.js";

const kinds = defineTables((t) => {
  const parent = t.table("parent", (c) => ({ id: c.bigId("id") }));
  const kindsTable = t.table(
    "kinds",
    (c) => ({
      id: c.id("id"),
      ...tenantColumns(c),
      count: c.integer("count").notNull().default(0),
      at: c.bigint("at").notNull(),
      name: c.text("name"),
      state: c
        .text("state", { enum: ["a", "b"] })
        .notNull()
        .default("a"),
      flag: c.boolean("flag").notNull().default(false),
      content: c.bytes("content"),
      parentId: c.bigint("parent_id").references(() => parent.id, { onDelete: "cascade" }),
      ...c.postgresOnly((pg) => ({ seq: pg.bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity() })),
    }),
    (x, k) => [
      k
        .uniqueIndex("kinds_name")
        .on(x.tenantId, x.name)
        .where(sql`name IS NOT NULL`),
      k.index("kinds_at").on(x.at, ...k.rowid(x.id)),
    ],
  );
  return { parent, kinds: kindsTable };
});

const columnTypes = (columns: Array<{ name: string; getSQLType(): string }>) =>
  Object.fromEntries(columns.map((column) => [column.name, column.getSQLType()]));

describe("defineTables", () => {
  it("gives real sqlite-core tables and real pg-core tables of the same names", () => {
    for (const table of Object.values(coreTables.sqlite)) expect(is(table, SQLiteTable)).toBe(true);
    for (const table of Object.values(coreTables.postgres)) expect(is(table, PgTable)).toBe(true);
    expect(Object.values(coreTables.postgres).map((table) => getTableName(table))).toEqual(
      Object.values(coreTables.sqlite).map((table) => getTableName(table)),
    );
  });

  it("maps each column kind to its type in each dialect", () => {
    expect(columnTypes(sqliteConfig(kinds.sqlite.kinds).columns)).toEqual({
      id: "integer",
      tenant_id: "integer",
      count: "integer",
      at: "integer",
      name: "text",
      state: "text",
      flag: "integer",
      content: "blob",
      parent_id: "integer",
    });
    expect(columnTypes(pgConfig(kinds.postgres.kinds as never).columns)).toEqual({
      id: "integer",
      tenant_id: "integer",
      count: "integer",
      at: "bigint",
      name: "text",
      state: "text",
      flag: "boolean",
      content: "bytea",
      parent_id: "bigint",
      seq: "bigint",
    });
    expect(Object.keys(kinds.sqlite.kinds)).not.toContain("seq");
    expect(columnTypes(pgConfig(kinds.postgres.parent as never).columns)).toEqual({ id: "bigint" });
  });

  it("carries not-null, defaults, keys, identities, foreign keys and indexes to PostgreSQL", () => {
    const config = pgConfig(kinds.postgres.kinds as never);
    const column = (name: string) => config.columns.find((c) => c.name === name)!;
    expect(column("id").primary).toBe(true);
    expect(column("id").generatedIdentity?.type).toBe("byDefault");
    expect(pgConfig(kinds.postgres.parent as never).columns[0]!.generatedIdentity?.type).toBe("byDefault");
    expect([column("count").notNull, column("count").default]).toEqual([true, 0]);
    expect([column("state").default, column("state").enumValues]).toEqual(["a", ["a", "b"]]);
    expect([column("flag").notNull, column("flag").default]).toEqual([true, false]);
    expect(column("name").notNull).toBe(false);
    const [foreignKey] = config.foreignKeys;
    expect(config.foreignKeys).toHaveLength(1);
    expect(foreignKey!.onDelete).toBe("cascade");
    expect(getTableName(foreignKey!.reference().foreignTable)).toBe("parent");
    expect(
      config.indexes.map((index) => [index.config.name, index.config.unique, Boolean(index.config.where)]),
    ).toEqual([
      ["kinds_name", true, true],
      ["kinds_at", false, false],
    ]);
  });

  it("ends an index with the row id on PostgreSQL only (every SQLite index ends with the rowid by itself)", () => {
    const names = (columns: unknown[]) => columns.map((column) => (column as { name: string }).name);
    const sqliteIndex = sqliteConfig(kinds.sqlite.kinds).indexes.find((index) => index.config.name === "kinds_at")!;
    const pgIndex = pgConfig(kinds.postgres.kinds as never).indexes.find((index) => index.config.name === "kinds_at")!;
    expect(names(sqliteIndex.config.columns)).toEqual(["at"]);
    expect(names(pgIndex.config.columns)).toEqual(["at", "id"]);
  });

  it("for(db) answers the tables of the store db is, and portable code queries them", async () => {
    expect(coreTables.for({ dialectName: "postgres" })).toBe(coreTables.postgres);
    const db = openDatabase(":memory:");
    expect(db.dialectName).toBe("sqlite");
    const { meta } = coreTables.for(db);
    expect(meta).toBe(coreTables.sqlite.meta);
    await db.insert(meta).values({ key: "k", value: "v" });
    expect(await db.select().from(meta)).toEqual([{ key: "k", value: "v" }]);
    db.$client.close();
  });
});
