/**
 * @module migrations/pending-migrations — what `db:generate` would still write for a schema: the
 * statements between the last migration's snapshot and the tables, per dialect (drizzle-kit's own
 * diff). A test expects none, so a table changed without its migrations (of either dialect) fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A schema module's exports (`import * as schema from "./schema.js"`) and its migrations folder. */
export interface MigrationsOfSchema {
  dialect: "sqlite" | "postgres";
  /** The module drizzle-kit generates from (`schema.ts` for SQLite, `schema.pg.ts` for PostgreSQL). */
  schema: Record<string, unknown>;
  /** The migrations folder (`drizzle/` or `drizzle-pg/`). */
  folder: string;
}

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}

/** The SQL statements a new migration of `folder` would hold; empty when the migrations are current. */
export async function pendingMigrations({ dialect, schema, folder }: MigrationsOfSchema): Promise<string[]> {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  const last = journal.entries.at(-1);
  if (!last) throw new Error(`${folder} has no migrations`);
  const snapshot: unknown = JSON.parse(
    readFileSync(join(folder, "meta", `${String(last.idx).padStart(4, "0")}_snapshot.json`), "utf8"),
  );
  // Loaded on use: drizzle-kit's API is large and only these tests need it.
  const kit = await import("drizzle-kit/api");
  if (dialect === "sqlite") {
    return kit.generateSQLiteMigration(
      snapshot as Parameters<typeof kit.generateSQLiteMigration>[0],
      await kit.generateSQLiteDrizzleJson(schema),
    );
  }
  return kit.generateMigration(
    snapshot as Parameters<typeof kit.generateMigration>[0],
    kit.generateDrizzleJson(schema),
  );
}
