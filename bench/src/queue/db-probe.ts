/**
 * @module queue/db-probe — reads a gateway's database from the bench process (SQLite's WAL allows a
 * reader beside the writer; PostgreSQL through a small pool of its own): how many messages are
 * stored and how many are not finished yet. The counts are portable (drizzle's `$count`, awaited);
 * only opening the database is each store's.
 */
import { type Database } from "@switchboard/core";
import { coreTables, openDatabase, openPostgres, postgresOf } from "@switchboard/core/internal";
import { bitrix24Tables } from "@switchboard/host-bitrix24";
import { eq, inArray, sql } from "drizzle-orm";
import { MARKER } from "../fakes/channel-peer.js";

/** Where a bench gateway stores everything: its SQLite file, or the PostgreSQL database its replicas share. */
export type StoreLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/** Counts rows of core's send queue and CRM outbox. */
export class DbProbe {
  private readonly db: Database;
  private readonly tables;
  private readonly portals;

  /** A SQLite file by its path, or an opened database. */
  constructor(source: string | Database) {
    this.db = typeof source === "string" ? openDatabase(source) : source;
    this.tables = coreTables.for(this.db);
    this.portals = bitrix24Tables.for(this.db).bitrix24Portals;
  }

  /** Opens a probe on either store (a path is a SQLite file). */
  static async open(store: StoreLocation | string): Promise<DbProbe> {
    if (typeof store === "string") return new DbProbe(store);
    if (store.kind === "sqlite") return new DbProbe(store.path);
    // The gateway migrated the database already; this only checks that it did.
    const pg = await openPostgres(store.url, { poolSize: 2 });
    // Portable code takes a PostgreSQL handle typed as the SQLite one (core's `Database`).
    return new DbProbe(pg as unknown as Database);
  }

  /** Every message ever accepted. */
  total(): Promise<number> {
    return this.db.$count(this.tables.outgoing);
  }

  /** Messages queued or being sent. */
  unfinished(): Promise<number> {
    return this.db.$count(this.tables.outgoing, inArray(this.tables.outgoing.state, ["queued", "leased"]));
  }

  /** Whether any message is queued or being sent: one index step, cheap enough to poll during a drain. */
  async anyUnfinished(): Promise<boolean> {
    const rows = await this.db
      .select({ id: this.tables.outgoing.id })
      .from(this.tables.outgoing)
      .where(inArray(this.tables.outgoing.state, ["queued", "leased"]))
      .limit(1);
    return rows.length > 0;
  }

  /** Messages leased (a send was started and not finished). */
  leased(): Promise<number> {
    return this.db.$count(this.tables.outgoing, eq(this.tables.outgoing.state, "leased"));
  }

  /** Messages marked sent. */
  sent(): Promise<number> {
    return this.db.$count(this.tables.outgoing, eq(this.tables.outgoing.state, "sent"));
  }

  /** Messages marked failed (the channel refused them, or they ran out of tries). */
  failed(): Promise<number> {
    return this.db.$count(this.tables.outgoing, eq(this.tables.outgoing.state, "failed"));
  }

  /**
   * How many stored messages carry each `[[marker]]` (the first in a row's payload): what the
   * bench sent, to check against what arrived at the fake peer.
   */
  async markerCounts(): Promise<Map<string, number>> {
    const rows = await this.db.select({ payload: this.tables.outgoing.payload }).from(this.tables.outgoing);
    const counts = new Map<string, number>();
    for (const { payload } of rows) {
      const marker = MARKER.exec(payload)?.[1] ?? "";
      counts.set(marker, (counts.get(marker) ?? 0) + 1);
    }
    return counts;
  }

  /** Requests waiting for the CRM. */
  outboxPending(): Promise<number> {
    return this.db.$count(this.tables.crmOutbox);
  }

  /** Registered tenants. */
  registrations(): Promise<number> {
    return this.db.$count(this.tables.registrations);
  }

  /** Bitrix24 portals marked "needs re-authorisation" (the gateway serves the Bitrix24 host). */
  portalsNeedingReauthorisation(): Promise<number> {
    return this.db.$count(this.portals, eq(this.portals.needsReauth, true));
  }

  /**
   * The replica owning each tenant's sending, by tenant id (PostgreSQL's `shards`; empty on
   * SQLite, where the one process owns everything).
   */
  async owners(): Promise<Map<number, string>> {
    if (this.db.dialectName !== "postgres") return new Map();
    const result = await postgresOf(this.db).execute<{ shard: number; owner: string | null }>(
      sql`SELECT shard, owner FROM shards WHERE owner IS NOT NULL AND lease_until > (extract(epoch from now()) * 1000)`,
    );
    return new Map(result.rows.map((r) => [Number(r.shard), String(r.owner)]));
  }

  close(): void {
    if (this.db.dialectName === "postgres")
      void postgresOf(this.db)
        .$client.end()
        .catch(() => {});
    else this.db.$client.close();
  }
}
