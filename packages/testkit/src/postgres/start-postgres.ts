/**
 * @module postgres/start-postgres — a PostgreSQL server for tests and benchmarks: fresh databases on
 * the server `SWITCHBOARD_TEST_DATABASE_URL` names, else a throwaway server of our own.
 */
import { testDatabaseUrl } from "../env.js";
import { openExistingPostgres } from "./existing-postgres.js";
import { startLocalPostgres } from "./local-postgres.js";
import { findPostgresBinaries } from "./postgres-binaries.js";
import type { PostgresServer } from "./postgres-server.js";

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Start a server of our own even when `SWITCHBOARD_TEST_DATABASE_URL` is set (tests that stop and restart it). */
  ownServer?: boolean;
  /** The environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where Debian keeps PostgreSQL's versions (default `/usr/lib/postgresql`). */
  debianRoot?: string;
}

/** Thrown when there is neither a server to use nor PostgreSQL's programs to start one. */
export class PostgresUnavailableError extends Error {
  override name = "PostgresUnavailableError";
}

/** How PostgreSQL tests can get a server here: `"url"`, `"binaries"`, or undefined when they cannot. */
export function postgresSource(options: StartPostgresOptions = {}): "url" | "binaries" | undefined {
  if (!options.ownServer && testDatabaseUrl(options.env)) return "url";
  return findPostgresBinaries(options.env, options.debianRoot) ? "binaries" : undefined;
}

/**
 * A server: with `SWITCHBOARD_TEST_DATABASE_URL`, a fresh database on that server (dropped at
 * `stop()`); else `initdb` + `postgres` from `/usr/lib/postgresql/<version>/bin` or `PATH` in a
 * temporary folder on a free loopback port, removed at `stop()` or when this process ends.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const url = options.ownServer ? undefined : testDatabaseUrl(options.env);
  if (url) return openExistingPostgres(url);
  const binaries = findPostgresBinaries(options.env, options.debianRoot);
  if (!binaries) {
    throw new PostgresUnavailableError(
      "PostgreSQL is not installed (apt-get install postgresql) and SWITCHBOARD_TEST_DATABASE_URL is not set",
    );
  }
  return startLocalPostgres(binaries);
}
