/**
 * @module metrics/store-snapshot — the depth of the send queue and the CRM outbox, read from the
 * database when scraped: one grouped query per table, shared by every scrape within a second so
 * a scrape storm cannot load the database. On PostgreSQL they count the whole cluster's rows.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
import type { Clock } from "../worker/clock.js";

/** Rows of the send queue not finished yet, by the tenant's host and the row's state. */
export interface QueueDepth {
  host: string;
  state: "queued" | "leased";
  count: number;
}

/** Requests of the CRM outbox, by the tenant's host. */
export interface OutboxDepth {
  host: string;
  count: number;
  /**
   * Requests held back by a failed attempt: theirs, or that of the request ahead of them with
   * the same order key (not due before its retry).
   */
  retrying: number;
  /** Age of the oldest request, in seconds. */
  oldestSeconds: number;
}

/** What one read of the store found. */
export interface StoreSnapshot {
  queue: QueueDepth[];
  outbox: OutboxDepth[];
}

/** How long a read is reused: a second, so any number of scrapes costs at most one read a second. */
export const SNAPSHOT_TTL_MS = 1000;

/**
 * Reads the snapshot, reusing the last read (or the one under way) for {@link SNAPSHOT_TTL_MS}:
 * a failed one too, so a database in trouble is not asked again by every scrape.
 */
export class StoreSnapshots {
  private last: { at: number; read: Promise<StoreSnapshot | undefined> } | undefined;

  constructor(
    private readonly db: Database,
    /** The clock the queue and the outbox stamp their rows with. */
    private readonly clock: Clock,
    /** Told once per failed read; the read then answers undefined. */
    private readonly failed: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The snapshot of the last second, read now if there is none; undefined when that read failed. */
  read(): Promise<StoreSnapshot | undefined> {
    const at = this.now();
    if (this.last && at - this.last.at < SNAPSHOT_TTL_MS) return this.last.read;
    const read = this.readNow();
    this.last = { at, read };
    return read;
  }

  private async readNow(): Promise<StoreSnapshot | undefined> {
    try {
      const [queue, outbox] = await Promise.all([this.queueDepth(), this.outboxDepth()]);
      return { queue, outbox };
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  /**
   * Counted per tenant on the `(state, tenant_id, …)` index alone, then summed per host over the
   * small tenants table. Finished rows (sent, failed) are history, counted by the send counters:
   * counting them here would read the whole table.
   */
  private async queueDepth(): Promise<QueueDepth[]> {
    const { outgoing, tenants } = coreTables.for(this.db);
    const perTenant = this.db
      .select({ state: outgoing.state, tenantId: outgoing.tenantId, n: sql<number>`count(*)`.as("n") })
      .from(outgoing)
      .where(inArray(outgoing.state, ["queued", "leased"]))
      .groupBy(outgoing.state, outgoing.tenantId)
      .as("per_tenant");
    const rows = await this.db
      .select({ host: tenants.host, state: perTenant.state, n: sql<number>`sum(${perTenant.n})` })
      .from(perTenant)
      .innerJoin(tenants, eq(tenants.id, perTenant.tenantId))
      .groupBy(tenants.host, perTenant.state);
    return rows.map((row) => ({ host: row.host, state: row.state as QueueDepth["state"], count: Number(row.n) }));
  }

  /**
   * The outbox holds only what waits for the CRM (a delivered request is deleted): small unless
   * the CRM is away, when it may hold a day of traffic. So it is read on the `(tenant_id,
   * next_attempt_at, id)` index alone: a request not due yet is held back by a failed attempt,
   * and a tenant's oldest request is its lowest id (ids and creation times grow together), whose
   * creation time is one lookup per tenant. Reading `kind` or `attempts` would visit every row
   * (five times slower with 100 000 of them on SQLite).
   */
  private async outboxDepth(): Promise<OutboxDepth[]> {
    const { crmOutbox, tenants } = coreTables.for(this.db);
    const now = this.clock.now();
    const perTenant = this.db
      .select({
        tenantId: crmOutbox.tenantId,
        n: sql<number>`count(*)`.as("n"),
        retrying: sql<number>`sum(case when ${crmOutbox.nextAttemptAt} > ${now} then 1 else 0 end)`.as("retrying"),
        first: sql<number>`min(${crmOutbox.id})`.as("first"),
      })
      .from(crmOutbox)
      .groupBy(crmOutbox.tenantId)
      .as("per_tenant");
    const rows = await this.db
      .select({
        host: tenants.host,
        n: sql<number>`sum(${perTenant.n})`,
        retrying: sql<number>`sum(${perTenant.retrying})`,
        oldest: sql<number>`min(${crmOutbox.createdAt})`,
      })
      .from(perTenant)
      .innerJoin(tenants, eq(tenants.id, perTenant.tenantId))
      .innerJoin(crmOutbox, eq(crmOutbox.id, perTenant.first))
      .groupBy(tenants.host);
    return rows.map((row) => ({
      host: row.host,
      count: Number(row.n),
      retrying: Number(row.retrying),
      oldestSeconds: Math.max(0, (now - Number(row.oldest)) / 1000),
    }));
  }
}
