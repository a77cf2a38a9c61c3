import { openPostgres, type PostgresDatabase } from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { getTableName, type Table } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";
import * as postgresSchema from "./schema.pg.js";

const pg = await postgresTestDatabase();

let db: PostgresDatabase | undefined;
afterAll(() => db?.$client.end());

describe.skipIf(!pg)("the SMS gateway's PostgreSQL migrations (drizzle-pg/) on a fresh database", () => {
  it("apply cleanly after core's and create every table of schema.pg.ts", async () => {
    db = await openPostgres(pg!.url, { gatewayMigrations: POSTGRES_MIGRATIONS_FOLDER, gatewayName: "sms" });
    const { rows } = await db.$client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const tables = rows.map((row) => row.table_name);
    const own = Object.values(postgresSchema).map((table) => getTableName(table as Table));
    expect(own.length).toBeGreaterThan(0);
    expect(tables).toEqual(expect.arrayContaining([...own, "tenants", "outgoing"]));
  });
});
