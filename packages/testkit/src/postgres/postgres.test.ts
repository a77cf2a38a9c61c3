import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { waitFor } from "../util/wait-for.js";
import { PostgresStartError, startLocalPostgres } from "./local-postgres.js";
import { POSTGRES_SKIPPED_LINE, postgresTestDatabase, redactUrl, startPostgres, type PostgresServer } from "./index.js";

const pgAvailable = await postgresTestDatabase({ ownServer: true });

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

async function refuses(url: string): Promise<boolean> {
  try {
    await query(url, "SELECT 1");
    return false;
  } catch (error) {
    return /ECONNREFUSED/.test(String((error as NodeJS.ErrnoException).code ?? error));
  }
}

async function runHolder(mode: "own" | "url", env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./test/hold-postgres.ts", import.meta.url).pathname, mode],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env,
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { child, ...(JSON.parse(line) as { url: string; dataDirectory: string }) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("postgresTestDatabase without PostgreSQL", () => {
  const nothing = { PATH: "/nonexistent" };

  it("outside CI prints one line saying how to enable the tests, and skips", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // A Debian root that does not exist, so this machine's own PostgreSQL is not found either.
    expect(await postgresTestDatabase({ env: nothing, debianRoot: "/nonexistent" })).toBeUndefined();
    expect(warn.mock.calls).toEqual([[POSTGRES_SKIPPED_LINE]]);
    expect(POSTGRES_SKIPPED_LINE).toBe(
      "PostgreSQL tests skipped: install postgresql (apt-get install postgresql) or set SWITCHBOARD_TEST_DATABASE_URL",
    );
  });

  it("under CI=true fails instead of skipping", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(postgresTestDatabase({ env: { ...nothing, CI: "true" }, debianRoot: "/nonexistent" })).rejects.toThrow(
      /PostgreSQL tests cannot be skipped on CI/,
    );
    expect(warn).not.toHaveBeenCalled();
  });
});

describe.skipIf(!pgAvailable)("a PostgreSQL server of our own", () => {
  const { url, server } = pgAvailable ?? ({} as { url: string; server: PostgresServer });

  it("answers on loopback with a password, fsync on, as the postgres user when we are root", async () => {
    expect(new URL(url).hostname).toBe("127.0.0.1");
    const [settings] = await query<{ fsync: string; listen: string; data: string }>(
      url,
      "SELECT current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen, current_setting('data_directory') AS data",
    );
    expect(settings).toMatchObject({ fsync: "on", listen: "127.0.0.1" });
    // The server runs as the owner of its data folder (it refuses any other).
    if (process.getuid?.() === 0) expect(statSync(settings!.data).uid).not.toBe(0);
    const withoutPassword = new URL(url);
    withoutPassword.password = "";
    await expect(query(withoutPassword.toString(), "SELECT 1")).rejects.toThrow(/password/);
  });

  it("reports a failing initdb with its output", async () => {
    const failing = startLocalPostgres({ initdb: "/bin/false", postgres: "/bin/false" });
    await expect(failing).rejects.toThrow(PostgresStartError);
    await expect(failing).rejects.toThrow(/^initdb failed/);
  });

  it("gives a fresh, empty database per call", async () => {
    const other = await server.createDatabase();
    expect(other).not.toBe(url);
    await query(url, "CREATE TABLE only_here (x int)");
    expect(await query(other, "SELECT to_regclass('only_here') AS t")).toEqual([{ t: null }]);
  });

  it("stops and starts again on the same port with the same data", async () => {
    await query(url, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)");
    await server.stopServer();
    expect(await refuses(url)).toBe(true);
    await server.startServer();
    expect(await query(url, "SELECT x FROM kept")).toEqual([{ x: 7 }]);
  });

  it("stop() shuts the server down and removes its folder", async () => {
    const own = await startPostgres({ ownServer: true });
    const [{ dir }] = (await query<{ dir: string }>(own.url, "SELECT current_setting('data_directory') AS dir")) as [
      { dir: string },
    ];
    expect(existsSync(dir)).toBe(true);
    await own.stop();
    expect(existsSync(dirname(dir))).toBe(false);
    expect(await refuses(own.url)).toBe(true);
    await own.stop();
  });

  it("goes away with the process that started it, even on kill -9", async () => {
    const holder = await runHolder("own", { PATH: process.env.PATH });
    expect(existsSync(holder.dataDirectory)).toBe(true);
    holder.child.kill("SIGKILL");
    await waitFor(async () => !existsSync(dirname(holder.dataDirectory)) && (await refuses(holder.url)), {
      timeoutMs: 30_000,
      message: "the killed process's server to stop and its folder to go",
    });
  }, 60_000);

  it("goes away when a test of its file fails", async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "pg-fixture-"));
    const report = join(reportDir, "report.json");
    const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
    const config = new URL("./test/failing-file/vitest.config.ts", import.meta.url).pathname;
    const child = spawn(process.execPath, [vitest, "run", "--config", config], {
      stdio: "ignore",
      env: { PATH: process.env.PATH, REPORT_FILE: report },
    });
    const [code] = (await once(child, "exit")) as [number];
    try {
      expect(code).toBe(1);
      const { url: fixtureUrl, dataDirectory } = JSON.parse(readFileSync(report, "utf8")) as Record<string, string>;
      expect(existsSync(dirname(dataDirectory!))).toBe(false);
      expect(await refuses(fixtureUrl!)).toBe(true);
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!pgAvailable)("SWITCHBOARD_TEST_DATABASE_URL", () => {
  const admin = pgAvailable?.server.url ?? "";
  const env = { SWITCHBOARD_TEST_DATABASE_URL: admin, PATH: "/nonexistent" };
  const databases = () =>
    query<{ datname: string }>(admin, "SELECT datname FROM pg_database WHERE datname LIKE 'switchboard_test_%'");

  it("each start creates a fresh database on that server and stop drops it", async () => {
    const a = await startPostgres({ env });
    const b = await startPostgres({ env });
    expect(a.url).not.toBe(b.url);
    expect(a.restartable).toBe(false);
    await query(a.url, "CREATE TABLE mine (x int)");
    expect(await query(b.url, "SELECT to_regclass('mine') AS t")).toEqual([{ t: null }]);
    const names = [new URL(a.url).pathname.slice(1), new URL(b.url).pathname.slice(1)];
    expect((await databases()).map((row) => row.datname)).toEqual(expect.arrayContaining(names));
    // Drops it even with a connection still open.
    const open = new pg.Client({ connectionString: a.url });
    open.on("error", () => {});
    await open.connect();
    await a.stop();
    await b.stop();
    await open.end().catch(() => {});
    expect((await databases()).map((row) => row.datname)).not.toEqual(expect.arrayContaining([names[0]]));
    expect((await databases()).map((row) => row.datname)).not.toEqual(expect.arrayContaining([names[1]]));
  });

  it("drops the database when the process that created it is killed with -9", async () => {
    const holder = await runHolder("url", { ...env, PATH: process.env.PATH });
    const name = new URL(holder.url).pathname.slice(1);
    expect((await databases()).map((row) => row.datname)).toContain(name);
    holder.child.kill("SIGKILL");
    await waitFor(async () => !(await databases()).some((row) => row.datname === name), { timeoutMs: 30_000 });
  }, 60_000);

  it("never shows the URL's password in its errors", async () => {
    const wrong = new URL(admin);
    wrong.password = "not-the-password-s3cret";
    const error = await startPostgres({ env: { SWITCHBOARD_TEST_DATABASE_URL: wrong.toString() } }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain("not-the-password-s3cret");
    expect(redactUrl(wrong.toString())).toContain("***");
  });
});
