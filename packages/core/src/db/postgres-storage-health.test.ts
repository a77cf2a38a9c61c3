import { fileURLToPath } from "node:url";
import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { openPostgres, type PostgresDatabase } from "./postgres-client.js";
import { postgresStorageProbe } from "./postgres-storage-probe.js";
import { isStorageUnavailable, StorageHealth } from "./storage-health.js";

// Stops and restarts the server: a server of this file's own.
const database = await postgresTestDatabase({ ownServer: true });

const MIGRATIONS = {
  coreMigrations: fileURLToPath(new URL("./test/pg-migrations/core", import.meta.url)),
};

function capturingLogger() {
  const lines: string[] = [];
  return {
    logger: createLogger({ level: "trace", name: "test" }, { write: (line: string) => lines.push(line) }),
    lines,
  };
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe.skipIf(!database)("storage health on PostgreSQL (the real server stopped and started again)", () => {
  const { url, server } = database ?? ({} as NonNullable<typeof database>);
  const password = url ? decodeURIComponent(new URL(url).password) : "";
  const { logger, lines } = capturingLogger();
  let db: PostgresDatabase;

  beforeAll(async () => {
    db = await openPostgres(url, { ...MIGRATIONS, logger, connectTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await db?.$client.end();
  });

  it("classifies what PostgreSQL and the driver answer while unreachable as 'not now', and ordinary errors not", async () => {
    const syntax = await failure(() => db.execute(sql`SELEC 1`));
    const divisionByZero = await failure(() => db.execute(sql`SELECT 1 FROM (VALUES (1)) v(x) WHERE 1 / 0 = 1`));
    expect(isStorageUnavailable(syntax)).toBe(false);
    expect(isStorageUnavailable(divisionByZero)).toBe(false);

    // Too many connections (53300): a role allowed one connection opens a second.
    await db.$client.query("CREATE ROLE limited LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 1");
    const limitedUrl = new URL(url);
    limitedUrl.username = "limited";
    limitedUrl.password = "limited-pw";
    const first = new pg.Client({ connectionString: limitedUrl.toString() });
    await first.connect();
    const tooMany = await failure(async () => {
      const second = new pg.Client({ connectionString: limitedUrl.toString() });
      try {
        await second.connect();
      } finally {
        await second.end().catch(() => {});
      }
    });
    await first.end();
    expect((tooMany as { code?: string }).code).toBe("53300");
    expect(isStorageUnavailable(tooMany)).toBe(true);

    // A pool with every connection busy past its timeout.
    const small = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 100 });
    const held = await small.connect();
    const poolTimeout = await failure(() => small.query("SELECT 1"));
    held.release();
    await small.end();
    expect(poolTimeout.message).toBe("timeout exceeded when trying to connect");
    expect(isStorageUnavailable(poolTimeout)).toBe(true);

    // A query running when the server shuts down (57P01, through drizzle's wrapper), then one
    // that finds nobody listening (ECONNREFUSED).
    const running = failure(() => db.execute(sql`SELECT pg_sleep(60)`));
    await waitFor(async () => {
      const active = await db.$client.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'",
      );
      return active.rows[0].n === 1;
    });
    await server.stopServer();
    try {
      const shutdown = await running;
      expect(isStorageUnavailable(shutdown)).toBe(true);
      const refused = await failure(() => db.execute(sql`SELECT 1`));
      expect(isStorageUnavailable(refused)).toBe(true);
      expect(JSON.stringify(refused, Object.getOwnPropertyNames(refused))).toMatch(/ECONNREFUSED/);
    } finally {
      await server.startServer();
    }
  }, 60_000);

  it("the server going away mid-migration fails the open with a 'not now' error, and the process lives on", async () => {
    const fresh = await server.createDatabase();
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    const opening = failure(() => openPostgres(fresh, MIGRATIONS));
    try {
      // The fixture's first migration sleeps 0.3 s holding the lock: stop the server then.
      await waitFor(async () => {
        const active = await watcher.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(0.3)%' AND pid <> pg_backend_pid()",
        );
        return active.rows[0].n === 1;
      });
      await watcher.end();
      await server.stopServer();
      expect(isStorageUnavailable(await opening)).toBe(true);
    } finally {
      await server.startServer();
    }
    // The next start migrates it all (the failed one's transaction rolled back).
    const reopened = await openPostgres(fresh, MIGRATIONS);
    expect((await reopened.$client.query("SELECT package FROM migration_runs")).rows).toEqual([{ package: "core" }]);
    await reopened.$client.end();
  }, 60_000);

  it("a write waits out the outage; readiness is down meanwhile and comes back by itself; no password in the logs", async () => {
    await db.execute(sql`CREATE TABLE IF NOT EXISTS written (n int NOT NULL)`);
    const health = new StorageHealth(postgresStorageProbe(db.$client), logger);
    expect(health.available).toBe(true);

    await server.stopServer();
    const write = health.write(() => db.execute(sql`INSERT INTO written (n) VALUES (1)`));
    let settled = false;
    void write.finally(() => (settled = true));
    await waitFor(() => !health.available, { message: "readiness to drop" });
    expect(settled).toBe(false);

    await server.startServer();
    await write;
    await waitFor(() => health.available, { message: "readiness to come back" });
    expect((await db.$client.query("SELECT n FROM written")).rows).toEqual([{ n: 1 }]);

    // Down again with no write retrying: the probe alone brings readiness back.
    await server.stopServer();
    health.failed(await failure(() => db.execute(sql`SELECT 1`)));
    expect(health.available).toBe(false);
    await server.startServer();
    await waitFor(() => health.available, { timeoutMs: 30_000, message: "the probe to see the server again" });
    health.close();

    const log = lines.join("\n");
    expect(log).toMatch(/the database refuses writes/);
    expect(log).toMatch(/the database takes writes again/);
    expect(password.length).toBeGreaterThan(8);
    expect(log).not.toContain(password);
  }, 90_000);
});

describe("isStorageUnavailable: PostgreSQL's 'not now' codes", () => {
  const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

  it.each([
    ["08006", "connection failure"],
    ["08001", "unable to connect"],
    ["57P01", "admin shutdown"],
    ["57P02", "crash shutdown"],
    ["57P03", "cannot connect now (starting up)"],
    ["53300", "too many connections"],
    ["53100", "disk full"],
    ["25006", "read-only (a standby after failover)"],
    ["ECONNREFUSED", "refused"],
    ["ECONNRESET", "reset"],
  ])("%s (%s) is 'not now'", (code) => {
    expect(isStorageUnavailable(withCode(code))).toBe(true);
    expect(isStorageUnavailable(new Error("wrapped", { cause: withCode(code) }))).toBe(true);
  });

  it.each([
    ["23505", "unique violation"],
    ["42601", "syntax error"],
    ["40001", "serialization failure (retry the transaction, not the storage)"],
    ["28P01", "wrong password"],
  ])("%s (%s) is not", (code) => {
    expect(isStorageUnavailable(withCode(code))).toBe(false);
  });

  it("a refused connection to every address of a name (an AggregateError) is 'not now'", () => {
    expect(isStorageUnavailable(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]))).toBe(true);
    expect(isStorageUnavailable(new AggregateError([new Error("other")]))).toBe(false);
  });
});
