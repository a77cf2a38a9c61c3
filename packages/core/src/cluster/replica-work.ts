/**
 * @module cluster/replica-work — how one process's workers hear of work other replicas stored, and
 * which tenants they work for: the leases of its database (PostgreSQL: {@link PgLeases} on a small
 * pool of their own; SQLite: {@link SingleProcessLeases}) and the notifier's `send` and `outbox`
 * kinds turned into wake-ups of the send queue and the CRM outbox.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { Leases } from "./leases.js";
import type { Notifier } from "./notifier.js";
import { PgLeases } from "./pg-leases.js";
import { SingleProcessLeases } from "./single-process-leases.js";

/** A worker told of a tenant's new work (`notified`), or to look at everything again (`rescan`). */
export interface NotifiedWorker {
  notified(tenantId: number): void;
  rescan(): Promise<void>;
}

/** The leases of one process and what closes them. */
export interface ProcessLeases {
  leases: Leases;
  /** Closes what the leases opened (after `leases.stop()`). */
  close(): Promise<void>;
}

/** Options of {@link processLeases}. */
export interface ProcessLeasesOptions {
  /** `SWITCHBOARD_DATABASE_URL`; undefined: one process on SQLite, owning every tenant. */
  databaseUrl: string | undefined;
  /** `CoreConfig.shardLeaseMs`. */
  leaseMs: number;
  logger: Logger;
  /** Hears shards given back and replicas joining. */
  notifier: Notifier;
  /** This replica's name among the replicas (default: host, pid and a random suffix). */
  replicaId?: string;
}

/**
 * The leases for this process's database. On PostgreSQL they get a pool of two connections of
 * their own, so renewals never queue behind the store's statements (and fence the replica).
 */
export function processLeases(options: ProcessLeasesOptions): ProcessLeases {
  if (!options.databaseUrl) return { leases: new SingleProcessLeases(), close: async () => undefined };
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, connectionTimeoutMillis: 5000 });
  // A connection dropped while idle: the next renewal opens another (and fences if it cannot in time).
  pool.on("error", () => undefined);
  const leases = new PgLeases({
    pool,
    leaseMs: options.leaseMs,
    logger: options.logger,
    notifier: options.notifier,
    ...(options.replicaId ? { replicaId: options.replicaId } : {}),
  });
  return { leases, close: () => pool.end() };
}

/**
 * Wakes the send queue for `send` notifications and the CRM outbox for `outbox` ones (each only
 * for tenants this process owns: the workers drop other hints), and has both look at everything
 * again on every rescan (each reconnection and the polling backstop). Answers the unsubscribe.
 */
export function listenForWork(
  notifier: Notifier,
  workers: { queue: NotifiedWorker; outbox: NotifiedWorker },
): () => void {
  const on = (kind: "send" | "outbox", worker: NotifiedWorker) =>
    notifier.on(kind, (tenantId) => (tenantId === null ? void worker.rescan() : worker.notified(tenantId)));
  const off = [on("send", workers.queue), on("outbox", workers.outbox)];
  return () => off.forEach((unsubscribe) => unsubscribe());
}
