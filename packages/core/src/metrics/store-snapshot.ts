/**
 * @module metrics/store-snapshot — the depth of the send queue and the CRM outbox, read from the
 * database when scraped: one grouped query per table, shared by every scrape within a second so
 * a scrape storm cannot load the database. On PostgreSQL they count the whole cluster's rows.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
import type { OutboxKind } from "../outbox/outbox-store.js";
import type { Clock } from "../worker/clock.js";

/** Rows of the send queue not finished yet, by the tenant's host and the row's state. */
export interface QueueDepth {
  host: string;
  state: "queued" | "leased";
  count: number;
}

/** Requests of the CRM outbox, by the tenant's host and kind. */
export interface OutboxDepth {
  host: string;
  kind: OutboxKind;
  count: number;
  /** Requests whose last attempt failed (they wait for the next). */
  failing: number;
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

  /** The outbox holds only what waits for the CRM (a delivered request is deleted): small unless the CRM is away. */
  private async outboxDepth(): Promise<OutboxDepth[]> {
    const { crmOutbox, tenants } = coreTables.for(this.db);
    const rows = await this.db
      .select({
        host: tenants.host,
        kind: crmOutbox.kind,
        n: sql<number>`count(*)`,
        failing: sql<number>`sum(case when ${crmOutbox.attempts} > 0 then 1 else 0 end)`,
        oldest: sql<number>`min(${crmOutbox.createdAt})`,
      })
      .from(crmOutbox)
      .innerJoin(tenants, eq(tenants.id, crmOutbox.tenantId))
      .groupBy(tenants.host, crmOutbox.kind);
    const now = this.clock.now();
    return rows.map((row) => ({
      host: row.host,
      kind: row.kind,
      count: Number(row.n),
      failing: Number(row.failing),
      oldestSeconds: Math.max(0, (now - Number(row.oldest)) / 1000),
    }));
  }
}
