/**
 * @module server/core-stores — the one place a gateway's stores are chosen for its database: the
 * CRM outbox's rows, the outgoing messages (with their statuses and send parts), incoming events'
 * writes, SQLite's or PostgreSQL's, and where replicas hear each other (the notifier; on
 * PostgreSQL a LISTEN connection, started here; its writes NOTIFY the tenant's owner).
 */
import type pino from "pino";
import { LocalNotifier } from "../cluster/local-notifier.js";
import type { Notifier } from "../cluster/notifier.js";
import { notifySql } from "../cluster/notify-sql.js";
import { PgNotifier } from "../cluster/pg-notifier.js";
import type { Database } from "../db/client.js";
import { postgresOf } from "../db/postgres-client.js";
import type { OutgoingStore } from "../messages/outgoing-store.js";
import { PgOutgoingStore } from "../messages/pg-outgoing-store.js";
import { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import type { OutboxStore, OutboxWake } from "../outbox/outbox-store.js";
import { PgOutboxStore } from "../outbox/pg-outbox-store.js";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { EventStore } from "../webhooks/event-store.js";
import { PgEventStore } from "../webhooks/pg-event-store.js";
import { SqliteEventStore } from "../webhooks/sqlite-event-store.js";
import type { Clock } from "../worker/clock.js";

/** How often a gateway on SQLite looks for writes of other processes (the CLI's retries), in ms. */
export const SQLITE_FOREIGN_WRITE_POLL_MS = 1000;

/** What the hot-path stores need besides the database. */
export interface CoreStoreDeps {
  /** The outbox worker's scheduling clock. */
  clock: Clock;
  /** How long a CRM request is kept before it expires. */
  outboxMaxAgeMs: number;
  /** This process's outbox worker, told of each tenant with new requests once they committed. */
  wake: OutboxWake;
  /** `SWITCHBOARD_DATABASE_URL`, for the notifier's own connection on PostgreSQL. */
  databaseUrl: string | undefined;
  logger: pino.Logger;
  /** The notifier's polling backstop (default: PgNotifier's on PostgreSQL, {@link SQLITE_FOREIGN_WRITE_POLL_MS} on SQLite). */
  pollMs?: number;
  /** Whether this replica works for the tenant right now (its leases): its writes skip the NOTIFY. */
  ownedHere?: (tenantId: number) => boolean;
}

/** The hot-path stores of one database. */
export interface CoreStores {
  outbox: OutboxStore;
  outgoing: OutgoingStore;
  events: EventStore;
  /** What other replicas wrote (on SQLite, only what this process publishes); started by `coreStores`. */
  notifier: Notifier;
  /** Tells every replica (this one too) that a tenant or its settings changed: they drop their cached copy. */
  announceTenant(tenantId: number): Promise<void>;
  /** Gives back what the stores hold of the database (PostgreSQL: the outbox's lock connection); before the pool closes. */
  close(): Promise<void>;
}

/**
 * The stores of `db`'s dialect. The three share one database: status reports and incoming events
 * write outbox rows inside their own transactions.
 */
export async function coreStores(db: Database, deps: CoreStoreDeps): Promise<CoreStores> {
  const outboxDeps = { clock: deps.clock, maxAgeMs: deps.outboxMaxAgeMs, wake: deps.wake };
  if (db.dialectName === "postgres") {
    if (!deps.databaseUrl) throw new Error("a PostgreSQL store needs its URL for the notifier");
    const pg = postgresOf(db);
    const notifier = new PgNotifier({
      connection: { connectionString: deps.databaseUrl },
      logger: deps.logger,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
    await notifier.start();
    // Another replica may own the tenant: each write NOTIFYs its owner once committed, unless it is this one.
    const ownedHere = deps.ownedHere ?? (() => false);
    const outbox = new PgOutboxStore(pg, { ...outboxDeps, notify: true, ownedHere });
    const outgoing = new PgOutgoingStore(pg, outbox, { notify: true, ownedHere });
    return {
      outbox,
      outgoing,
      events: new PgEventStore(pg, { outbox }),
      notifier,
      announceTenant: async (tenantId) => void (await pg.execute(notifySql("tenant", tenantId))),
      close: async () => {
        // What the last writes owe the other replicas goes out before the pool closes.
        await Promise.all([outgoing.noticesSent(), outbox.noticesSent()]);
        await notifier.stop();
        await outbox.close();
      },
    };
  }
  const outbox = new SqliteOutboxStore(db, outboxDeps);
  const outgoing = new SqliteOutgoingStore(db, outbox);
  // Another process (the CLI) may make work due in the file: a poll of data_version notices it.
  const notifier = new LocalNotifier({
    everyMs: deps.pollMs ?? SQLITE_FOREIGN_WRITE_POLL_MS,
    version: () => Number(db.$client.pragma("data_version", { simple: true })),
  });
  await notifier.start();
  return {
    outbox,
    outgoing,
    events: new SqliteEventStore(db, { outbox, outgoing }),
    notifier,
    // One process: its own writes already dropped its cache.
    announceTenant: async () => {},
    close: () => notifier.stop(),
  };
}
