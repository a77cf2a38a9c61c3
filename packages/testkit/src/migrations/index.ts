/** @module @switchboard/testkit/migrations — checks on a package's drizzle migrations. */
export { pendingMigrations, type MigrationsOfSchema } from "./pending-migrations.js";
