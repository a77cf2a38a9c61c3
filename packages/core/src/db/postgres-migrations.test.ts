import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { eq, getTableName, type Table } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "./client.js";
import { openPostgres, type PostgresDatabase } from "./postgres-client.js";
import * as postgresSchema from "./schema.pg.js";
import { coreTables } from "./schema.js";

const pg = await postgresTestDatabase();

const opened: PostgresDatabase[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.$client.end()));
});

async function columnTypes(db: PostgresDatabase, table: string): Promise<Record<string, string>> {
  const { rows } = await db.$client.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
    [table],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
}

describe.skipIf(!pg)("core's PostgreSQL migrations (drizzle-pg/) on a fresh database", () => {
  it("apply cleanly and create every table of schema.pg.ts, with PostgreSQL's column types", async () => {
    const db = await openPostgres(pg!.url);
    opened.push(db);
    const { rows } = await db.$client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    const expected = Object.values(postgresSchema).map((table) => getTableName(table as Table));
    expect(rows.map((row) => row.table_name)).toEqual([...expected].sort());
    expect(expected).toEqual(
      expect.arrayContaining(["shards", "replicas", "stored_file_contents", "outgoing", "tenants"]),
    );
    expect(await columnTypes(db, "outgoing_parts")).toMatchObject({ outgoing_id: "bigint", seq: "bigint" });
    expect(await columnTypes(db, "outgoing")).toMatchObject({
      id: "bigint",
      tenant_id: "integer",
      created_at: "bigint",
    });
    expect(await columnTypes(db, "stored_file_contents")).toEqual({ file_id: "text", data: "bytea" });
  });

  it("portable code runs on them through coreTables.for(db): identity ids, defaults, bigint as numbers", async () => {
    const pgDb = await openPostgres(await pg!.server.createDatabase());
    opened.push(pgDb);
    // What portable code sees: the store handle typed once, its tables chosen by dialect.
    const db = pgDb as unknown as Database;
    const { tenants, outgoing } = coreTables.for(pgDb);
    expect(tenants).toBe(coreTables.postgres.tenants);
    const now = Date.now();
    const [tenant] = await db
      .insert(tenants)
      .values({ host: "salesrender", tenantKey: "k", publicId: "p", createdAt: now })
      .returning();
    expect(tenant).toEqual({
      id: 1,
      host: "salesrender",
      tenantKey: "k",
      publicId: "p",
      country: null,
      createdAt: now,
    });
    const [row] = await db
      .insert(outgoing)
      .values({ tenantId: tenant!.id, payload: "{}", contact: "c", nextAttemptAt: now, createdAt: now })
      .returning({ id: outgoing.id, state: outgoing.state, action: outgoing.action, createdAt: outgoing.createdAt });
    expect(row).toEqual({ id: 1, state: "queued", action: "send", createdAt: now });
    expect(typeof row!.createdAt).toBe("number");
    const found = await db.select({ id: outgoing.id }).from(outgoing).where(eq(outgoing.tenantId, tenant!.id));
    expect(found).toEqual([{ id: 1 }]);
  });
});
