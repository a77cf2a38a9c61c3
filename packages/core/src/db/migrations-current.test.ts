import { fileURLToPath } from "node:url";
import { pendingMigrations } from "@switchboard/testkit/migrations";
import { describe, expect, it } from "vitest";
import { CORE_MIGRATIONS } from "./client.js";
import * as postgresSchema from "./schema.pg.js";
import * as sqliteSchema from "./schema.js";

describe("core's migrations", () => {
  it("SQLite's (drizzle/) are current with the tables: db:generate would write nothing", async () => {
    expect(await pendingMigrations({ dialect: "sqlite", schema: sqliteSchema, folder: CORE_MIGRATIONS })).toEqual([]);
  });

  it("PostgreSQL's (drizzle-pg/) are current with the tables", async () => {
    const folder = fileURLToPath(new URL("../../drizzle-pg", import.meta.url));
    expect(await pendingMigrations({ dialect: "postgres", schema: postgresSchema, folder })).toEqual([]);
  });
});
