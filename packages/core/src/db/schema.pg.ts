/**
 * @module db/schema.pg — core's PostgreSQL schema, what the migrations in `drizzle-pg/` are
 * generated from: core's tables as PostgreSQL has them (`coreTables.postgres`), and the tables
 * only a PostgreSQL deployment has (several replicas share it; one SQLite process needs neither).
 */
import { bigint, index, integer, pgTable, text, type PgColumn } from "drizzle-orm/pg-core";
import { bytea } from "./column-kit.js";
import { coreTables } from "./schema.js";

export const {
  publicKeys,
  tenants,
  registrations,
  settings,
  outgoing,
  outgoingParts,
  outgoingSendParts,
  crmOutbox,
  seenEvents,
  storedFiles,
  meta,
} = coreTables.postgres;

/**
 * Leases (`cluster/pg-leases.ts`): one row per tenant (`shard` is its id), owned by at most one
 * replica until `lease_until` (ms, on the database's clock); `epoch` grows with every change of owner.
 */
export const shards = pgTable(
  "shards",
  {
    shard: integer("shard").primaryKey(),
    /** The replica that holds the lease, NULL when nobody does. */
    owner: text("owner"),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    epoch: bigint("epoch", { mode: "number" }).notNull().default(0),
  },
  (t) => [index("shards_owner").on(t.owner)],
);

/** A heartbeat per live replica (ms, on the database's clock), so replicas owning nothing count in the fair share. */
export const replicas = pgTable("replicas", {
  id: text("id").primaryKey(),
  leaseUntil: bigint("lease_until", { mode: "number" }).notNull(),
  startedAt: bigint("started_at", { mode: "number" }).notNull(),
});

/**
 * The content of stored files when no shared files directory is configured. A table of its own
 * rather than a column of `stored_files`: reading a file's metadata (a whole-row select of
 * `stored_files` in portable code) never reads its bytes.
 */
export const storedFileContents = pgTable("stored_file_contents", {
  fileId: text("file_id")
    .primaryKey()
    .references(() => (storedFiles as unknown as { id: PgColumn }).id, { onDelete: "cascade" }),
  data: bytea("data").notNull(),
});
