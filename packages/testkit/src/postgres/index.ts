/**
 * @module @switchboard/testkit/postgres — a real PostgreSQL server for tests: `postgresTestDatabase()`
 * in a test file, `startPostgres()` elsewhere (benchmarks).
 */
export {
  startPostgres,
  postgresSource,
  PostgresUnavailableError,
  type StartPostgresOptions,
} from "./start-postgres.js";
export {
  postgresTestDatabase,
  POSTGRES_SKIPPED_LINE,
  POSTGRES_RESTART_SKIPPED_LINE,
  type PostgresTestDatabase,
} from "./test-database.js";
export { databaseUrl, redactUrl, type PostgresServer } from "./postgres-server.js";
export { findPostgresBinaries, type PostgresBinaries } from "./postgres-binaries.js";
export { PostgresStartError } from "./local-postgres.js";
export { TestDatabaseUrlError } from "./existing-postgres.js";
