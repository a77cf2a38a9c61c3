/**
 * @module postgres/existing-postgres — fresh databases on a server someone else runs
 * (`SWITCHBOARD_TEST_DATABASE_URL`). Each database is dropped at stop; a small dropper process
 * learns each name before it is created and drops them all when its stdin closes, so they are
 * dropped too when this process dies mid-test (kill -9 included).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { adminQuery } from "./admin-query.js";
import { databaseUrl, redactUrl, type PostgresServer } from "./postgres-server.js";

/** Thrown when the server `SWITCHBOARD_TEST_DATABASE_URL` names cannot be used. */
export class TestDatabaseUrlError extends Error {
  override name = "TestDatabaseUrlError";
}

// The admin URL comes on the first stdin line (never in argv, which `ps` shows), then the names of
// databases about to be created, and `!name` for one whose creation failed.
const DROPPER = `
const pg = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const [url, ...lines] = input.split("\\n").filter((line) => line !== "");
  const forgotten = new Set(lines.filter((line) => line.startsWith("!")).map((line) => line.slice(1)));
  const names = lines.filter((line) => !line.startsWith("!") && !forgotten.has(line));
  if (!url || names.length === 0) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  client.on("error", () => {});
  try {
    await client.connect();
    for (const name of names) await client.query('DROP DATABASE IF EXISTS "' + name + '" WITH (FORCE)');
  } catch (error) {
    process.stderr.write("could not drop the test databases " + names.join(", ") + ": " + error.message + "\\n");
    process.exitCode = 1;
  } finally {
    await client.end().catch(() => {});
  }
});
`;

/** Creates a fresh database on the server `adminUrl` names; see the module comment. */
export async function openExistingPostgres(adminUrl: string): Promise<PostgresServer> {
  try {
    new URL(adminUrl);
  } catch {
    throw new TestDatabaseUrlError(
      "SWITCHBOARD_TEST_DATABASE_URL is not a URL (postgres://user:password@host:port/db)",
    );
  }
  const dropper = spawnDropper();
  dropper.stdin!.write(`${adminUrl}\n`);
  let stopped: Promise<void> | undefined;
  const server: PostgresServer = {
    url: "",
    restartable: false,
    async createDatabase() {
      const name = `switchboard_test_${randomBytes(8).toString("hex")}`;
      dropper.stdin!.write(`${name}\n`);
      try {
        await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
      } catch (error) {
        dropper.stdin!.write(`!${name}\n`);
        throw new TestDatabaseUrlError(
          `could not create a test database on ${redactUrl(adminUrl)} (SWITCHBOARD_TEST_DATABASE_URL): ${(error as Error).message}`,
        );
      }
      return databaseUrl(adminUrl, name);
    },
    stopServer: () =>
      Promise.reject(new TestDatabaseUrlError("cannot stop a server SWITCHBOARD_TEST_DATABASE_URL names")),
    startServer: () =>
      Promise.reject(new TestDatabaseUrlError("cannot start a server SWITCHBOARD_TEST_DATABASE_URL names")),
    stop: () => (stopped ??= closeDropper(dropper)),
  };
  try {
    server.url = await server.createDatabase();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function spawnDropper(): ChildProcess {
  const pgPath = createRequire(import.meta.url).resolve("pg");
  const child = spawn(process.execPath, ["-e", DROPPER, pgPath], {
    detached: true,
    stdio: ["pipe", "ignore", "inherit"],
  });
  // Idle, it must not keep this process alive; it still drops when we exit.
  child.unref();
  (child.stdin as Partial<Socket> | null)?.unref?.();
  return child;
}

async function closeDropper(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.ref();
  child.stdin!.end();
  await exited;
}
