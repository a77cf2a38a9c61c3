/**
 * @module outbox/pg-outbox-store — the CRM outbox's table on PostgreSQL (node-postgres, raw SQL).
 *
 * Several replicas share the table. Only the replica that leases a tenant delivers its requests,
 * and on top of that a head being delivered is held by a session-level advisory lock on this
 * store's own connection (`rows` takes it, `remove` and `retry` give it back): another replica
 * (a lease handover while a delivery is still in flight) skips it, and if this process dies its
 * connection ends and the lock with it, so the row is delivered by whoever leases the tenant next.
 */
import type pg from "pg";
import { PG_NUMBERS } from "../db/pg-numbers.js";
import { inPgTransaction, type PgQueryable } from "../db/pg-transaction.js";
import { isStorageUnavailable } from "../db/storage-health.js";
import { OwnerNotices } from "../cluster/owner-notices.js";
import type { Clock } from "../worker/clock.js";
import type { PendingRow } from "../worker/fair-worker.js";
import type { OutboxHead, OutboxRequest, OutboxRow, OutboxStore, OutboxWake } from "./outbox-store.js";
import { insertOutboxRows, lockOrderKeys } from "./pg-outbox-rows.js";

/** The first of the two int4 keys of a head's delivery lock (the second: its id, wrapped into int4). */
export const DELIVERY_LOCK_CLASS = 0x53420002;

/** What a PostgreSQL outbox store is told. */
export interface PgOutboxDeps {
  /** Scheduling time (due times, expiry): the outbox worker's clock. */
  clock: Clock;
  /** How long a request is kept before it expires. */
  maxAgeMs: number;
  /** This process's outbox worker, told of each tenant with new requests once they committed. */
  wake: OutboxWake;
  /**
   * Replicas share the database: once an insert of outbox rows (this store's, or another store's
   * through `insertWithin`) committed, `committed` NOTIFYs `outbox` for its tenants delivered by
   * another replica (see `OwnerNotices`), so that replica hears of them at once. Off by default
   * (a lone process).
   */
  notify?: boolean;
  /** Whether this replica delivers for the tenant right now: its writes wake it in-process, without a NOTIFY. */
  ownedHere?: (tenantId: number) => boolean;
}

/** The outbox's table on PostgreSQL; other PostgreSQL stores store CRM requests through `insertWithin` in their own transactions. */
export class PgOutboxStore implements OutboxStore {
  private readonly pool: pg.Pool;
  /** The connection holding this store's delivery locks (taken on first use). */
  private lockClient: Promise<pg.PoolClient> | undefined;
  /** The end of the queries queued on the locks' connection. */
  private lockQueue: Promise<void> = Promise.resolve();
  /** Removes waiting for the DELETE in flight to commit, and whether one is. */
  private readonly toRemove: { id: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private removing = false;
  /** Heads finished whose locks wait for the next unlock query, and that query (once queued). */
  private readonly toUnlock: number[] = [];
  private unlocking: Promise<void> | undefined;
  /** Heads whose delivery lock this store holds. */
  private readonly held = new Set<number>();

  /** Which writes NOTIFY (none without `notify`). */
  private readonly notices: OwnerNotices | undefined;

  constructor(
    db: { $client: pg.Pool },
    private readonly deps: PgOutboxDeps,
  ) {
    this.pool = db.$client;
    this.notices = deps.notify ? new OwnerNotices("outbox", this.pool, deps.ownedHere) : undefined;
  }

  /**
   * Stores requests on `client`, inside the caller's transaction; pass the answer to `committed`
   * once that transaction committed (the outgoing store's status reports, the event store).
   */
  insertWithin(client: PgQueryable, requests: readonly OutboxRequest[]): Promise<number[]> {
    return insertOutboxRows(client, requests, { now: this.deps.clock.now(), maxAgeMs: this.deps.maxAgeMs });
  }

  /**
   * A transaction that stored requests for these tenants committed: wakes this process's outbox,
   * and tells the other replicas delivering for some of them (`notify`).
   */
  committed(tenantIds: readonly number[]): void {
    for (const tenantId of tenantIds) this.deps.wake(tenantId);
    this.notices?.committed(tenantIds);
  }

  /** Resolves once the NOTIFYs of the writes so far are sent (before the pool closes, and for tests). */
  noticesSent(): Promise<void> {
    return this.notices?.sent() ?? Promise.resolve();
  }

  /** Times default to the store's clock and maximum age (those every writer of outbox rows uses). */
  async insertAll(
    requests: readonly OutboxRequest[],
    now = this.deps.clock.now(),
    maxAgeMs = this.deps.maxAgeMs,
  ): Promise<void> {
    if (requests.length === 0) return;
    const tenantIds = await inPgTransaction(this.pool, (client) =>
      insertOutboxRows(client, requests, { now, maxAgeMs }),
    );
    this.committed(tenantIds);
  }

  async pendingTenants(): Promise<PendingRow[]> {
    return this.select<PendingRow>(
      `SELECT tenant_id, MIN(next_attempt_at) AS t FROM crm_outbox GROUP BY tenant_id`,
      [],
    );
  }

  async tenantNextDue(tenantId: number): Promise<number | null> {
    // Rows behind a head wait for it, so the earliest time of a tenant's rows is its next work.
    const [row] = await this.select<{ t: number | null }>(
      `SELECT MIN(next_attempt_at) AS t FROM crm_outbox WHERE tenant_id = $1`,
      [tenantId],
    );
    return row?.t ?? null;
  }

  async dueHeads(tenantId: number, now: number, limit: number): Promise<OutboxHead[]> {
    // Only the oldest row of each order key is eligible, so a retried status never lets a later
    // one overtake it. Ids only: the heads in flight come back too (see OutboxStore.dueHeads).
    return this.select<OutboxHead>(
      `SELECT o.id, o.order_key FROM crm_outbox o
       WHERE o.tenant_id = $1 AND o.next_attempt_at <= $2
         AND o.id = (SELECT MIN(i.id) FROM crm_outbox i WHERE i.order_key = o.order_key)
       ORDER BY o.next_attempt_at, o.id LIMIT $3`,
      [tenantId, now, limit],
    );
  }

  /**
   * The rows with these ids still stored and not being delivered by another store on this
   * database, in the order asked; each is held for this store until `remove` or `retry`.
   */
  async rows(ids: readonly number[]): Promise<OutboxRow[]> {
    const wanted = [...new Set(ids)].filter((id) => !this.held.has(id));
    if (wanted.length === 0) return [];
    const taken = await this.lockDeliveries(wanted);
    if (taken.length === 0) return [];
    // Read after the locks are held (a new snapshot): a row another store removed or retried
    // before giving its lock back is seen as it is now.
    let found: OutboxRow[];
    try {
      found = await this.select<OutboxRow>(`SELECT * FROM crm_outbox WHERE id = ANY($1::bigint[])`, [taken]);
    } catch (error) {
      await this.unlockDeliveries(taken);
      throw error;
    }
    const byId = new Map(found.map((row) => [row.id, row]));
    await this.unlockDeliveries(taken.filter((id) => !byId.has(id)));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      byId.delete(id);
      return [row];
    });
  }

  /**
   * Removes of heads finished while an earlier DELETE is committing are deleted together, in
   * one statement (one commit for many deliveries, as a busy outbox finishes them).
   */
  remove(id: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.toRemove.push({ id, resolve, reject });
      this.flushRemovals();
    });
  }

  async retry(row: OutboxHead, attempts: number, next: number, failure: string): Promise<void> {
    await inPgTransaction(this.pool, async (client) => {
      // Under the key's lock: a row stored for this key meanwhile is held too (it reads the new time).
      await lockOrderKeys(client, [row.order_key]);
      await client.query(
        `WITH head AS (UPDATE crm_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4)
         UPDATE crm_outbox SET next_attempt_at = GREATEST(next_attempt_at, $2) WHERE order_key = $5 AND id > $4`,
        [attempts, next, failure, row.id, row.order_key],
      );
    });
    await this.unlockDeliveries([row.id]);
  }

  async count(): Promise<number> {
    const [row] = await this.select<{ n: number }>(`SELECT COUNT(*) AS n FROM crm_outbox`, []);
    return row?.n ?? 0;
  }

  /** Gives back every delivery lock (its connection goes back to the pool). */
  async close(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    this.held.clear();
    this.toUnlock.length = 0;
    if (!client) return;
    const connection = await client.catch(() => undefined);
    if (!connection) return;
    try {
      await connection.query("SELECT pg_advisory_unlock_all()");
      connection.release();
    } catch (error) {
      connection.release(error as Error);
    }
  }

  private flushRemovals(): void {
    if (this.removing || this.toRemove.length === 0) return;
    this.removing = true;
    const batch = this.toRemove.splice(0);
    const ids = batch.map((removal) => removal.id);
    this.pool
      .query(`DELETE FROM crm_outbox WHERE id = ANY($1::bigint[])`, [ids])
      .then(() => this.unlockDeliveries(ids))
      .then(
        () => batch.forEach((removal) => removal.resolve()),
        (error: unknown) => batch.forEach((removal) => removal.reject(error)),
      )
      .finally(() => {
        this.removing = false;
        this.flushRemovals();
      });
  }

  private async select<R>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query({ text, values, types: PG_NUMBERS })).rows as R[];
  }

  /** Takes the delivery locks of these heads that no other store holds; answers the ids taken. */
  private async lockDeliveries(ids: readonly number[]): Promise<number[]> {
    const rows = await this.onLockClient((client) =>
      client.query<{ id: number }>({
        text: `SELECT id FROM unnest($1::bigint[]) AS id
               WHERE pg_try_advisory_lock(${DELIVERY_LOCK_CLASS}, (id % 2147483648)::int)`,
        values: [ids],
        types: PG_NUMBERS,
      }),
    );
    const taken = rows.rows.map((row) => row.id);
    for (const id of taken) this.held.add(id);
    return taken;
  }

  /**
   * Gives back the delivery locks of these heads (those this store holds). Heads finished while
   * the connection is busy are given back together, in one query.
   */
  private unlockDeliveries(ids: readonly number[]): Promise<void> {
    const mine = ids.filter((id) => this.held.delete(id));
    if (mine.length === 0) return Promise.resolve();
    this.toUnlock.push(...mine);
    if (this.unlocking) return this.unlocking;
    const unlocking: Promise<void> = this.onLockClient((client) => {
      // Heads finished from here on go in the next query.
      const batch = this.toUnlock.splice(0);
      this.unlocking = undefined;
      return client.query(
        `SELECT pg_advisory_unlock(${DELIVERY_LOCK_CLASS}, (id % 2147483648)::int) FROM unnest($1::bigint[]) AS id`,
        [batch],
      );
    }).then(
      () => undefined,
      () => {
        // The connection is gone, and its locks with it: nothing is left to give back. If it
        // failed before this query ran, the next unlock sends one again.
        if (this.unlocking === unlocking) this.unlocking = undefined;
      },
    );
    this.unlocking = unlocking;
    return unlocking;
  }

  /** Runs a query on the delivery locks' connection; a failed connection is dropped with its locks. */
  private async onLockClient<T>(query: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (!this.lockClient) {
      const connecting = this.pool.connect().then((client) => {
        // A connection the server drops while idle emits here; unheard, it would end the process.
        client.on("error", () => this.dropLockClient(connecting, client));
        return client;
      });
      this.lockClient = connecting;
      connecting.catch(() => {
        if (this.lockClient === connecting) this.lockClient = undefined;
      });
    }
    const connecting = this.lockClient;
    // One query at a time on the connection (node-postgres queues them, but deprecates doing so).
    const turn = this.lockQueue.then(async () => {
      const client = await connecting;
      try {
        return await query(client);
      } catch (error) {
        if (isConnectionFailure(error)) this.dropLockClient(connecting, client, error as Error);
        throw error;
      }
    });
    this.lockQueue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private dropLockClient(connecting: Promise<pg.PoolClient>, client: pg.PoolClient, error?: Error): void {
    if (this.lockClient !== connecting) return;
    this.lockClient = undefined;
    // Its locks ended with it: the heads in flight here may now be taken elsewhere (delivered twice at worst).
    this.held.clear();
    client.release(error ?? true);
  }
}

/** The connection failed, not a statement (which answers a SQLSTATE of its own). */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isStorageUnavailable(error) || typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code);
}
