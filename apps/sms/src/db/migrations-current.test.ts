import { pendingMigrations } from "@switchboard/testkit/migrations";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";
import * as postgresSchema from "./schema.pg.js";
import * as sqliteSchema from "./schema.js";

describe("the SMS gateway's migrations", () => {
  it("SQLite's (drizzle/) are current with the tables: db:generate would write nothing", async () => {
    expect(await pendingMigrations({ dialect: "sqlite", schema: sqliteSchema, folder: MIGRATIONS_FOLDER })).toEqual([]);
  });

  it("PostgreSQL's (drizzle-pg/) are current with the tables", async () => {
    expect(
      await pendingMigrations({ dialect: "postgres", schema: postgresSchema, folder: POSTGRES_MIGRATIONS_FOLDER }),
    ).toEqual([]);
  });
});
