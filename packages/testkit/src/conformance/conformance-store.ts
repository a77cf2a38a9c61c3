/**
 * @module conformance/conformance-store — the store a conformance run's gateway keeps everything
 * in: a fresh in-memory SQLite database, or a fresh PostgreSQL database on a server of the
 * testkit's (skipped, with its one line, where the machine has none; never under `CI=true`).
 */
import { randomBytes } from "node:crypto";
import { runningOnCi } from "../env.js";
import { MissingSystemProgramError } from "../util/system-program.js";
import type { PostgresServer } from "../postgres/postgres-server.js";
import { postgresSource, startPostgres } from "../postgres/start-postgres.js";
import { POSTGRES_SKIPPED_LINE } from "../postgres/test-database.js";

/** The stores the suite runs on: SQLite (the embedded default) and PostgreSQL. */
export const CONFORMANCE_STORES = ["sqlite", "postgres"] as const;

/** One store of {@link CONFORMANCE_STORES}. */
export type ConformanceStore = (typeof CONFORMANCE_STORES)[number];

/** A store opened for one run: its gateway variables, and how to give it back. */
export interface OpenedStore {
  /** Core's variables naming the store (`SWITCHBOARD_DB_PATH`, or `SWITCHBOARD_DATABASE_URL` and its key). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Whether the suite can run on `store` here; for PostgreSQL without a server or
 * `SWITCHBOARD_TEST_DATABASE_URL` it prints the skip line once (and throws under `CI=true`).
 */
export function storeAvailable(store: ConformanceStore): boolean {
  if (store === "sqlite" || postgresSource()) return true;
  if (runningOnCi())
    throw new MissingSystemProgramError(
      POSTGRES_SKIPPED_LINE.replace(" skipped", " cannot be skipped on CI (CI=true)"),
    );
  if (!skipPrinted) console.warn(POSTGRES_SKIPPED_LINE);
  skipPrinted = true;
  return false;
}
let skipPrinted = false;

/** Opens a fresh store of the kind for one run (PostgreSQL: a new database on a server of its own). */
export async function openStore(store: ConformanceStore): Promise<OpenedStore> {
  if (store === "sqlite") return { env: { SWITCHBOARD_DB_PATH: ":memory:" }, close: async () => {} };
  const server: PostgresServer = await startPostgres();
  try {
    const url = server.restartable ? await server.createDatabase() : server.url;
    return {
      // Replicas of one database share a key; a fresh one per run, like the fresh database.
      env: { SWITCHBOARD_DATABASE_URL: url, SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64") },
      close: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
