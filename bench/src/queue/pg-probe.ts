/**
 * @module queue/pg-probe — reads the replicas' PostgreSQL database from the bench process, beside
 * {@link DbProbe} (SQLite): which replica owns which tenant, the sends and CRM deliveries in flight,
 * and a frozen view of both at the moment the database is stopped.
 *
 * Raw SQL on node-postgres, not the query builder: what it reads is PostgreSQL's own (`pg_locks`,
 * `LOCK TABLE`), the lease tables are PostgreSQL-only, and the probe must not depend on core's
 * store classes it is there to check.
 */
import pg from "pg";

/** The first key of the advisory lock a replica holds on a CRM outbox head while delivering it (core's `DELIVERY_LOCK_CLASS`). */
const DELIVERY_LOCK_CLASS = 0x53420002;

/** What was in flight for some tenants at one moment. */
export interface InFlight {
  /** Outgoing rows leased: a send started (or claimed) and not finished. */
  sends: number;
  /** CRM outbox heads held by a replica's delivery lock: a request to the CRM under way. */
  deliveries: number;
}

/** The database as it was when it stopped. */
export interface FrozenState extends InFlight {
  /** The `[[marker]]` of every CRM outbox request still stored (not yet delivered, or delivered and not yet removed). */
  outboxMarkers: string[];
}

/** An outgoing row as the probe reads it. */
export interface SendRow {
  id: number;
  crmMessageId: string;
  tenantId: number;
  state: string;
  attempts: number;
  lastError: string | null;
}

/** Reads the shared database; `close()` when done. */
export class PgProbe {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
    // A connection the server ended (it was stopped on purpose) must not crash the test process.
    this.pool.on("error", () => {});
  }

  /** Tenant id per SalesRender plugin reference (`companyId/alias/pluginId`). */
  async tenantIds(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: number; tenant_key: string }>(
      "SELECT id, tenant_key FROM tenants WHERE host = 'salesrender'",
    );
    return new Map(rows.map((row) => [row.tenant_key, Number(row.id)]));
  }

  /** Each tenant's lease holder (its replica id), for leases not run out on the database's clock. */
  async owners(): Promise<Map<number, string>> {
    const { rows } = await this.pool.query<{ shard: number; owner: string }>(
      `SELECT shard, owner FROM shards
        WHERE owner IS NOT NULL AND lease_until > (extract(epoch FROM clock_timestamp()) * 1000)::bigint`,
    );
    return new Map(rows.map((row) => [Number(row.shard), row.owner]));
  }

  /** The outgoing rows of these CRM message ids: how many times each was claimed and its last error. */
  async sendsOf(crmMessageIds: readonly string[]): Promise<SendRow[]> {
    const { rows } = await this.pool.query<SendRow>(
      `SELECT id::int, crm_message_id AS "crmMessageId", tenant_id AS "tenantId", state, attempts, last_error AS "lastError"
         FROM outgoing WHERE action = 'send' AND crm_message_id = ANY($1::text[]) ORDER BY id`,
      [[...crmMessageIds]],
    );
    return rows;
  }

  /** What is in flight for these tenants right now. */
  inFlight(tenantIds: readonly number[]): Promise<InFlight> {
    return inFlightOn(this.pool, tenantIds);
  }

  /**
   * Stops the world for `stop` (which stops the server): takes `outgoing` and `crm_outbox` in
   * ACCESS EXCLUSIVE mode, so no replica claims, finishes, delivers or removes anything from then
   * on; reads what is in flight for every tenant; then runs `stop` with that transaction still open
   * (the server's shutdown ends it). So the counts are exactly what was in flight when the
   * database went away.
   */
  async stopTheWorld(stop: () => Promise<void>): Promise<FrozenState> {
    const client = await this.pool.connect();
    client.on("error", () => {});
    let frozen: FrozenState;
    try {
      await client.query("BEGIN");
      await client.query("LOCK TABLE outgoing, crm_outbox IN ACCESS EXCLUSIVE MODE");
      const inFlight = await inFlightOn(client, null);
      const { rows } = await client.query<{ marker: string | null }>(
        String.raw`SELECT substring(body from '\[\[([A-Za-z0-9_-]+)\]\]') AS marker FROM crm_outbox`,
      );
      frozen = { ...inFlight, outboxMarkers: rows.flatMap((row) => (row.marker ? [row.marker] : [])) };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
      throw error;
    }
    await stop();
    // The server ended this connection; drop it rather than return it to the pool.
    client.release(true);
    return frozen;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** In flight for `tenantIds` (null: every tenant). */
async function inFlightOn(db: Pick<pg.Pool, "query">, tenantIds: readonly number[] | null): Promise<InFlight> {
  const ids = tenantIds === null ? null : [...tenantIds];
  const sends = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM outgoing WHERE state = 'leased' AND ($1::int[] IS NULL OR tenant_id = ANY($1))",
    [ids],
  );
  // A head's lock is (DELIVERY_LOCK_CLASS, id % 2^31): objid is that int4 as an oid.
  const deliveries = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks l JOIN crm_outbox o ON l.objid = (o.id % 2147483648)::oid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objsubid = 2
        AND ($2::int[] IS NULL OR o.tenant_id = ANY($2))`,
    [DELIVERY_LOCK_CLASS, ids],
  );
  return { sends: Number(sends.rows[0]!.n), deliveries: Number(deliveries.rows[0]!.n) };
}
