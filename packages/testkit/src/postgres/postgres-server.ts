/**
 * @module postgres/postgres-server — what a test gets from {@link startPostgres}: a server of its
 * own, or fresh databases on an existing one.
 */

/** A PostgreSQL server for one test file (or one bench run). */
export interface PostgresServer {
  /** A database of the caller's own: `postgres` on a server we started, a fresh one on an existing server. */
  url: string;
  /** Creates another empty database and answers its URL; it goes away at {@link stop}. */
  createDatabase(): Promise<string>;
  /** Whether {@link stopServer} and {@link startServer} work: only on a server this process started. */
  restartable: boolean;
  /** Shuts the server down (fast: clients get 57P01), keeping its data and port. */
  stopServer(): Promise<void>;
  /** Starts a server stopped by {@link stopServer} again, on the same port with the same data. */
  startServer(): Promise<void>;
  /** Stops the server and removes its folder, or drops the databases created on an existing server. Idempotent. */
  stop(): Promise<void>;
}

/** The URL of database `name` on the server `url` names. */
export function databaseUrl(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

/** `url` with its password replaced, for error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}
