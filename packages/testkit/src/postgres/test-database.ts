/**
 * @module postgres/test-database — the one call a PostgreSQL test file makes: a fresh database, or
 * a skip (one line) where this machine cannot run PostgreSQL, or a failure under `CI=true`.
 */
import { runningOnCi } from "../env.js";
import { MissingSystemProgramError } from "../util/system-program.js";
import type { PostgresServer } from "./postgres-server.js";
import { postgresSource, startPostgres, type StartPostgresOptions } from "./start-postgres.js";

/** The line printed when PostgreSQL tests are skipped. */
export const POSTGRES_SKIPPED_LINE =
  "PostgreSQL tests skipped: install postgresql (apt-get install postgresql) or set SWITCHBOARD_TEST_DATABASE_URL";

/** The line printed when tests that restart the server are skipped (a URL alone cannot restart it). */
export const POSTGRES_RESTART_SKIPPED_LINE =
  "PostgreSQL restart tests skipped: install postgresql (apt-get install postgresql); SWITCHBOARD_TEST_DATABASE_URL cannot restart a server";

/** What a test file gets. */
export interface PostgresTestDatabase {
  /** A fresh, empty database. */
  url: string;
  /** The server it lives on (`server.stopServer()` / `startServer()` when `restartable`). */
  server: PostgresServer;
}

/**
 * Call once at the top of a test file (`const pg = await postgresTestDatabase()`, then
 * `describe.skipIf(!pg)`): a fresh database on a server for this file, stopped in `afterAll`
 * whether the tests passed or not. Undefined, after printing {@link POSTGRES_SKIPPED_LINE}, when
 * the machine has neither PostgreSQL nor `SWITCHBOARD_TEST_DATABASE_URL`; under `CI=true` that
 * throws instead. `ownServer: true` for tests that stop and restart the server.
 */
export async function postgresTestDatabase(
  options: StartPostgresOptions = {},
): Promise<PostgresTestDatabase | undefined> {
  if (!postgresSource(options)) {
    const line = options.ownServer ? POSTGRES_RESTART_SKIPPED_LINE : POSTGRES_SKIPPED_LINE;
    if (runningOnCi(options.env))
      throw new MissingSystemProgramError(`${line.replace(" skipped", " cannot be skipped on CI (CI=true)")}`);
    console.warn(line);
    return undefined;
  }
  // Loaded here, not at the top: benchmarks import startPostgres from this entry without vitest.
  const { afterAll } = await import("vitest");
  const server = await startPostgres(options);
  afterAll(() => server.stop());
  const url = server.restartable ? await server.createDatabase() : server.url;
  return { url, server };
}
