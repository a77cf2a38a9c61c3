import { fileURLToPath } from "node:url";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { eq } from "drizzle-orm";
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { DatabaseUrlError, DEFAULT_POOL_SIZE, openPostgres, type PostgresDatabase } from "./postgres-client.js";

const pg = await postgresTestDatabase();

const fixture = (name: string) => fileURLToPath(new URL(`./test/pg-migrations/${name}`, import.meta.url));
const MIGRATIONS = {
  coreMigrations: fixture("core"),
  hostMigrations: [{ name: "some-host", folder: fixture("host") }],
  gatewayMigrations: fixture("gateway"),
  gatewayName: "echo-gw",
};
const notes = pgTable("notes", { id: serial("id").primaryKey(), text: text("text").notNull() });

const opened: PostgresDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.$client.end()));
});

async function open(url: string, options: Parameters<typeof openPostgres>[1] = MIGRATIONS) {
  const db = await openPostgres(url, options);
  opened.push(db);
  return db;
}

function capturingLogger() {
  const lines: string[] = [];
  return {
    logger: createLogger({ level: "trace", name: "test" }, { write: (line: string) => lines.push(line) }),
    lines,
  };
}

describe.skipIf(!pg)("openPostgres", () => {
  const url = pg?.url ?? "";

  it("migrates core, then the hosts, then the gateway, each with its own migrations table; a second open runs nothing again", async () => {
    const db = await open(url);
    expect(db.dialectName).toBe("postgres");
    const runs = async () => (await db.$client.query("SELECT package FROM migration_runs ORDER BY at, package")).rows;
    expect(await runs()).toEqual([{ package: "core" }, { package: "host" }, { package: "gateway" }]);
    const tables = await db.$client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'drizzle' ORDER BY table_name",
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      "__drizzle_migrations",
      "__drizzle_migrations_echo_gw",
      "__drizzle_migrations_host_some_host",
    ]);

    // The query builder works on the opened store.
    const [inserted] = await db.insert(notes).values({ text: "hello" }).returning();
    expect((await db.select().from(notes).where(eq(notes.id, inserted!.id)))[0]?.text).toBe("hello");

    await open(url);
    expect(await runs()).toHaveLength(3);
  });

  it("three replicas opening at once migrate once (pg_advisory_lock), and all three open", async () => {
    const fresh = await pg!.server.createDatabase();
    const dbs = await Promise.all([open(fresh), open(fresh), open(fresh)]);
    const runs = await dbs[0]!.$client.query("SELECT package FROM migration_runs ORDER BY at, package");
    expect(runs.rows).toEqual([{ package: "core" }, { package: "host" }, { package: "gateway" }]);
    const recorded = await dbs[1]!.$client.query('SELECT count(*)::int AS n FROM drizzle."__drizzle_migrations"');
    expect(recorded.rows).toEqual([{ n: 2 }]);
    for (const db of dbs) expect((await db.select().from(notes)).length).toBe(0);
  });

  it("sizes the pool from the option (SWITCHBOARD_DATABASE_POOL), 10 by default", async () => {
    expect(DEFAULT_POOL_SIZE).toBe(10);
    expect((await open(url)).$client.options.max).toBe(10);
    expect((await open(url, { ...MIGRATIONS, poolSize: 3 })).$client.options.max).toBe(3);
  });

  it("never puts the URL's password in an error or a log line", async () => {
    const { logger, lines } = capturingLogger();
    const secret = "Wr0ng-pa55word-never-shown";
    const wrongPassword = new URL(url);
    wrongPassword.password = secret;
    const refused = await openPostgres(wrongPassword.toString(), { ...MIGRATIONS, logger }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: string }).code).toBe("28P01");

    const unparsable = `postgres://user:${secret}@[bad`;
    const bad = await openPostgres(unparsable, { ...MIGRATIONS, logger }).catch((e: Error) => e);
    expect(bad).toBeInstanceOf(DatabaseUrlError);
    const wrongScheme = await openPostgres(`mysql://user:${secret}@host/db`, MIGRATIONS).catch((e: Error) => e);
    expect(wrongScheme).toBeInstanceOf(DatabaseUrlError);

    for (const error of [refused, bad, wrongScheme] as Error[]) {
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(secret);
    }
    expect(lines.join("\n")).not.toContain(secret);
  });

  it("a migration that fails leaves the lock free for the next start", async () => {
    const fresh = await pg!.server.createDatabase();
    const failing = await openPostgres(fresh, { ...MIGRATIONS, gatewayMigrations: fixture("missing") }).catch(
      (e: Error) => e,
    );
    expect(failing).toBeInstanceOf(Error);
    const db = await open(fresh);
    const runs = await db.$client.query("SELECT package FROM migration_runs ORDER BY at, package");
    expect(runs.rows).toEqual([{ package: "core" }, { package: "host" }, { package: "gateway" }]);
  });
});
