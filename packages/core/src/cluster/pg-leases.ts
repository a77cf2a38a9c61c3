/**
 * @module cluster/pg-leases — the {@link Leases} of replicas sharing one PostgreSQL database: each
 * tenant is a shard, owned by one replica at a time through a lease in the `shards` table.
 *
 * Tables (core's PostgreSQL migrations, `db/schema.pg.ts`; every time is in ms of the DATABASE's
 * clock, `now()`, so replicas' clocks never need to agree):
 * - `replicas (id text PRIMARY KEY, lease_until bigint NOT NULL, started_at bigint NOT NULL)`:
 *   a heartbeat per live replica, so replicas owning nothing count in the fair share.
 * - `shards (shard integer PRIMARY KEY, owner text, lease_until bigint, epoch bigint NOT NULL
 *   DEFAULT 0)`, index on `owner`: one row per tenant, `shard` being its id (added from `tenants`
 *   by every round), `owner`/`lease_until` NULL when nobody holds it, `epoch` + 1 at every acquisition.
 *
 * Every `leaseMs / 3` a replica runs a round: ONE statement renews its heartbeat and every lease
 * it holds; then it counts the live replicas and the tenants, computes its share
 * ({@link fairShare}), takes free shards (never held, given back, or run out) up to it with
 * `FOR UPDATE SKIP LOCKED`, or gives back what is over it. A `leases` notification (a replica
 * gave shards back, or joined) runs a round at once; so does the moment another replica's lease
 * runs out, so a dead replica's tenants move within `leaseMs` of its last renewal (so within
 * `leaseMs` of its death) plus one statement.
 *
 * Self-fencing: a lease renewed by a statement sent at monotonic time t is trusted until
 * `t + leaseMs - margin` (margin = leaseMs / 5). The database set `lease_until = now() + leaseMs`
 * with its own `now()` no earlier than t, so the replica stops trusting the lease at least
 * `margin` before any other replica can take it, whatever the network or the database did
 * meanwhile: `owns` turns false by itself at that moment, and the release callbacks (`fenced`)
 * abort the tenant's sends. Two renewals can fail before that happens (every third of the lease).
 * The assumption is that the monotonic clock runs while the process is stopped (true for GC
 * pauses and an overloaded machine; a suspended VM whose clock stood still could act on a lease
 * for the length of its suspension, and `epoch` is there for writes that must fence against that).
 *
 * Handover, and why per-chat order and the per-bot rate limits hold across it:
 * - Graceful (a replica over its share, or `stop()` for a deploy): `owns` turns false at once (no
 *   new claims), the release callbacks resolve once the tenant's sends in flight finished, and
 *   only then is the shard given back (and `leases` notified). The lease keeps being renewed
 *   meanwhile. So when the next owner acquires the tenant, no send of it is running anywhere.
 * - Dead or fenced: the old owner stopped sending at least `margin` before its lease ran out (or
 *   it is dead), and the next owner can take the shard only after it ran out.
 * - Either way the acquire callbacks run before `owns` turns true on the new owner: the send queue
 *   puts the tenant's leased rows back in the queue at once (not after their send lease, which
 *   would let a chat's later messages overtake them), so the chat's oldest message is sent first
 *   again: per-chat order holds, and at most the sends in flight at a crash are sent twice.
 * - The new owner starts the tenant's rate-limit buckets EMPTY (`RateLimits.startEmpty`), so
 *   the two owners together send no more in any window than one bucket would (the old owner's
 *   burst plus the rate): no burst above the per-bot or per-chat limit at a handover.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { Logger } from "pino";
import { fairShare, type ReplicaLoad } from "./fair-share.js";
import type {
  AcquireCallback,
  AcquiredLease,
  Leases,
  OwnedCallback,
  ReleaseCallback,
  ReleaseReason,
} from "./leases.js";
import { notifyChannel, type Notifier } from "./notifier.js";
import { notifyQuery } from "./notify-sql.js";

/** Options of {@link PgLeases}. */
export interface PgLeasesOptions {
  /**
   * Where the `shards`, `replicas` and `tenants` tables are. Best a small pool of its own (one or
   * two connections): renewals queued behind a busy store pool could miss their deadline and fence.
   */
  pool: Pick<pg.Pool, "query">;
  /** How long a lease lasts without renewal (`CoreConfig.shardLeaseMs`). */
  leaseMs: number;
  logger: Logger;
  /** Hears `leases` notifications (shards given back, a replica joined) to run a round at once. */
  notifier?: Notifier;
  /** This replica's name (default: host name, pid and a random suffix). */
  replicaId?: string;
  /** Monotonic milliseconds (default `performance.now`). */
  monotonic?: () => number;
}

/** A tenant this replica holds a lease on. */
interface Shard {
  tenantId: number;
  epoch: number;
  /** Monotonic time the lease is valid until (its renewal was sent at `validUntil - leaseMs`). */
  validUntil: number;
  /** `acquiring` until the acquire callbacks settled, `draining` from the decision to give it back. */
  state: "acquiring" | "owned" | "draining";
  acquiredAt: number;
}

const NOW_MS = "(extract(epoch FROM now()) * 1000)::bigint";
const LEASES_CHANNEL = `'${notifyChannel("leases")}'`;

// The heartbeat and every lease still ours, in one statement. A lease already run out is not
// renewed (another replica may be taking it): its shard is fenced and acquired afresh.
const RENEW = `
WITH beat AS (
  INSERT INTO replicas (id, lease_until, started_at) VALUES ($1, ${NOW_MS} + $2::bigint, ${NOW_MS})
  ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until
  RETURNING id),
renewed AS (
  UPDATE shards SET lease_until = ${NOW_MS} + $2::bigint
  WHERE owner = $1 AND shard = ANY($3::bigint[]) AND lease_until > ${NOW_MS}
  RETURNING shard)
SELECT array(SELECT shard::float8 FROM renewed) AS renewed, (SELECT count(*) FROM beat)::int AS beat`;

// New tenants get a shard; replicas gone for long are forgotten.
const SYNC = `
WITH gone AS (DELETE FROM replicas WHERE lease_until < ${NOW_MS} - $1::bigint)
INSERT INTO shards (shard, epoch)
SELECT t.id, 0 FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM shards s WHERE s.shard = t.id)
ON CONFLICT DO NOTHING`;

const SNAPSHOT = `
WITH n AS (SELECT ${NOW_MS} AS ms)
SELECT
  (SELECT count(*) FROM shards)::int AS tenants,
  coalesce((SELECT json_agg(json_build_object('id', r.id, 'owned',
      (SELECT count(*) FROM shards s WHERE s.owner = r.id AND s.lease_until > n.ms)))
    FROM replicas r WHERE r.lease_until > n.ms), '[]'::json) AS replicas,
  (SELECT min(lease_until) FROM shards WHERE owner <> $1 AND lease_until > n.ms)::float8 - n.ms AS next_expiry_in
FROM n`;

const ACQUIRE = `
WITH candidates AS (
  SELECT shard, owner FROM shards
  WHERE owner IS NULL OR lease_until IS NULL OR lease_until <= ${NOW_MS}
  ORDER BY shard LIMIT $3 FOR UPDATE SKIP LOCKED)
UPDATE shards s SET owner = $1, lease_until = ${NOW_MS} + $2::bigint, epoch = s.epoch + 1
FROM candidates c WHERE s.shard = c.shard
RETURNING s.shard::float8 AS tenant_id, s.epoch::float8 AS epoch, c.owner AS previous_owner`;

// Given back only while still ours; the others hear of it at once.
const RELEASE = `
WITH released AS (
  UPDATE shards SET owner = NULL, lease_until = NULL WHERE owner = $1 AND shard = ANY($2::bigint[])
  RETURNING shard)
SELECT (SELECT count(*) FROM released)::int AS released, pg_notify(${LEASES_CHANNEL}, '')`;

const LEAVE = `
WITH released AS (
  UPDATE shards SET owner = NULL, lease_until = NULL WHERE owner = $1 AND shard = ANY($2::bigint[])
  RETURNING shard),
gone AS (DELETE FROM replicas WHERE id = $1 RETURNING id)
SELECT (SELECT count(*) FROM released)::int AS released, pg_notify(${LEASES_CHANNEL}, '')`;

/** Leases on tenants in PostgreSQL, shared fairly among the live replicas. */
export class PgLeases implements Leases {
  readonly replicaId: string;
  private readonly shards = new Map<number, Shard>();
  private readonly acquireCallbacks = new Set<AcquireCallback>();
  private readonly releaseCallbacks = new Set<ReleaseCallback>();
  private readonly ownedCallbacks = new Set<OwnedCallback>();
  private readonly drains = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly margin: number;
  private readonly period: number;
  private started = false;
  private stopping = false;
  private stopped = false;
  private joined = false;
  private current: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private fenceTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private leaving: Promise<void> | undefined;

  constructor(private readonly options: PgLeasesOptions) {
    if (!(options.leaseMs >= 30)) throw new RangeError("leaseMs must be at least 30 ms");
    this.replicaId = options.replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.now = options.monotonic ?? (() => performance.now());
    this.leaseMs = Math.round(options.leaseMs);
    this.margin = this.leaseMs / 5;
    this.period = this.leaseMs / 3;
  }

  owns(tenantId: number): boolean {
    const shard = this.shards.get(tenantId);
    return shard?.state === "owned" && this.now() < shard.validUntil - this.margin;
  }

  /** The tenants owned right now (see {@link owns}), in ascending order. */
  ownedTenants(): number[] {
    return [...this.shards.keys()].filter((id) => this.owns(id)).sort((a, b) => a - b);
  }

  onAcquire(callback: AcquireCallback): () => void {
    this.acquireCallbacks.add(callback);
    return () => this.acquireCallbacks.delete(callback);
  }

  onOwned(callback: OwnedCallback): () => void {
    this.ownedCallbacks.add(callback);
    return () => this.ownedCallbacks.delete(callback);
  }

  onRelease(callback: ReleaseCallback): () => void {
    this.releaseCallbacks.add(callback);
    return () => this.releaseCallbacks.delete(callback);
  }

  /** Joins the replicas; resolves after the first round (the database down is retried, not thrown). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const notifier = this.options.notifier;
    if (notifier) {
      // A replica gave shards back or joined: rebalance now. Rescans are left to the rounds' own timer.
      this.unsubscribe.push(notifier.on("leases", (_tenantId, cause) => cause === "notified" && this.kick()));
      // A tenant written that this replica holds no lease of may be a new one, which must get an
      // owner now, not up to a third of the lease later; every way of creating a tenant already
      // announces it (for the replicas' caches). A settings change of another's tenant costs one
      // round more, which finds nothing to do.
      this.unsubscribe.push(
        notifier.on("tenant", (tenantId, cause) => {
          if (cause === "notified" && tenantId !== null && !this.shards.has(tenantId)) this.kick();
        }),
      );
    }
    this.kick();
    await this.current;
  }

  /**
   * Stops taking tenants, releases every one (`stop`) and waits for the callbacks, keeping the
   * leases renewed meanwhile, then gives them all back and leaves in one statement.
   */
  stop(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.leaving ??= this.leave();
    return this.leaving;
  }

  private async leave(): Promise<void> {
    this.stopping = true;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    // A round past its check may still acquire; the rounds after it only renew.
    await this.current;
    for (const shard of this.shards.values()) if (shard.state !== "draining") this.drain(shard, "stop");
    while (this.drains.size > 0) await Promise.allSettled([...this.drains]);
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
    clearTimeout(this.fenceTimer);
    const ids = [...this.shards.keys()];
    this.shards.clear();
    try {
      await this.query(LEAVE, [this.replicaId, ids]);
    } catch (error) {
      // Not given back: the leases run out by themselves.
      this.options.logger.warn(
        { event: "lease.stop_failed", err: errorText(error), replica: this.replicaId },
        "leases: could not give back at stop",
      );
    }
  }

  /** Runs a round now, or right after the one running. */
  private kick(): void {
    if (this.stopped) return;
    if (this.current) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.current = this.round()
      .catch((error: unknown) => {
        this.options.logger.error(
          { event: "lease.round_failed", err: error, replica: this.replicaId },
          "leases: round failed",
        );
        this.schedule(this.retryMs());
      })
      .finally(() => {
        this.current = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, ms));
    this.timer.unref();
  }

  private retryMs(): number {
    return Math.max(20, Math.min(this.period / 2, 1000));
  }

  private async round(): Promise<void> {
    const sentAt = this.now();
    const held = [...this.shards.keys()];
    let renewed: Set<number>;
    try {
      const { rows } = await this.query<{ renewed: number[] }>(RENEW, [this.replicaId, this.leaseMs, held]);
      renewed = new Set(rows[0]!.renewed.map(Number));
    } catch (error) {
      this.failed("renew", error);
      return this.schedule(this.retryMs());
    }
    for (const tenantId of held) {
      const shard = this.shards.get(tenantId);
      if (!shard) continue;
      if (renewed.has(tenantId)) shard.validUntil = Math.max(shard.validUntil, sentAt + this.leaseMs);
      else this.fence(shard, "its lease was found run out or taken");
    }
    this.armFence();
    if (this.stopping) return this.schedule(this.period);
    if (!this.joined) {
      this.joined = true;
      // The others rebalance now rather than at their next round.
      const joined = notifyQuery("leases", null);
      await this.query(joined.text, joined.values).catch((error: unknown) => this.failed("notify", error));
    }

    let snapshot: { tenants: number; replicas: ReplicaLoad[]; next_expiry_in: number | null };
    try {
      await this.query(SYNC, [this.leaseMs * 10]);
      snapshot = (await this.query<typeof snapshot>(SNAPSHOT, [this.replicaId])).rows[0]!;
    } catch (error) {
      this.failed("count", error);
      return this.schedule(this.retryMs());
    }
    const target = fairShare(this.replicaId, snapshot.replicas, snapshot.tenants);
    const mine = [...this.shards.values()];
    const owned = mine.filter((s) => s.state === "owned");
    const active = mine.filter((s) => s.state !== "draining");
    if (mine.length < target) await this.acquire(target - mine.length);
    else if (active.length > target) {
      // The newest first: tenants held longest stay where they are.
      owned.sort((a, b) => b.acquiredAt - a.acquiredAt);
      for (const shard of owned.slice(0, active.length - target)) this.drain(shard, "rebalance");
    }
    // Wake when another replica's lease runs out, so its tenants move without waiting a period.
    const expiry = snapshot.next_expiry_in;
    this.schedule(expiry === null ? this.period : Math.min(this.period, expiry + 5));
  }

  private async acquire(count: number): Promise<void> {
    const sentAt = this.now();
    let rows: Array<{ tenant_id: number; epoch: number; previous_owner: string | null }>;
    try {
      rows = (await this.query<(typeof rows)[number]>(ACQUIRE, [this.replicaId, this.leaseMs, count])).rows;
    } catch (error) {
      return this.failed("acquire", error);
    }
    for (const row of rows) {
      const shard: Shard = {
        tenantId: Number(row.tenant_id),
        epoch: Number(row.epoch),
        validUntil: sentAt + this.leaseMs,
        state: "acquiring",
        acquiredAt: sentAt,
      };
      this.shards.set(shard.tenantId, shard);
      const lease: AcquiredLease = {
        epoch: shard.epoch,
        previous: row.previous_owner !== null ? "expired" : shard.epoch === 1 ? "none" : "released",
        previousOwner: row.previous_owner,
      };
      void this.announce(shard, lease);
    }
    if (rows.length > 0) {
      this.options.logger.info(
        { event: "lease.acquired", replica: this.replicaId, tenants: rows.map((r) => Number(r.tenant_id)) },
        "leases: acquired tenants",
      );
      this.armFence();
    }
  }

  /** Runs the acquire callbacks; the tenant is owned once they all settled. */
  private async announce(shard: Shard, lease: AcquiredLease): Promise<void> {
    const results = await Promise.allSettled(
      [...this.acquireCallbacks].map(async (callback) => callback(shard.tenantId, lease)),
    );
    if (this.shards.get(shard.tenantId) !== shard) return;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (!failure) {
      if (shard.state !== "acquiring") return;
      shard.state = "owned";
      for (const callback of this.ownedCallbacks) {
        try {
          callback(shard.tenantId);
        } catch (error) {
          this.options.logger.error(
            { event: "lease.callback_failed", callback: "owned", err: error, tenant: shard.tenantId },
            "leases: an owned callback failed",
          );
        }
      }
      return;
    }
    // Not ready to work for it: give it back so that a round (here or elsewhere) tries again.
    this.options.logger.error(
      {
        event: "lease.callback_failed",
        callback: "acquired",
        err: failure.reason,
        replica: this.replicaId,
        tenant: shard.tenantId,
      },
      "leases: an acquire callback failed; giving the tenant back",
    );
    this.shards.delete(shard.tenantId);
    this.callRelease(shard.tenantId, "fenced");
    await this.query(RELEASE, [this.replicaId, [shard.tenantId]]).catch((error: unknown) =>
      this.failed("release", error),
    );
  }

  /** Stops owning `shard` and gives it back once the release callbacks resolved. */
  private drain(shard: Shard, reason: "rebalance" | "stop"): void {
    shard.state = "draining";
    const drained = (async () => {
      await Promise.allSettled([...this.releaseCallbacks].map(async (callback) => callback(shard.tenantId, reason)));
      // Fenced meanwhile: its lease runs out by itself. At stop everything goes back in one statement.
      if (this.shards.get(shard.tenantId) !== shard || reason === "stop") return;
      // Forgotten first, so a renewal racing the release does not take the shard for lost.
      this.shards.delete(shard.tenantId);
      try {
        await this.query(RELEASE, [this.replicaId, [shard.tenantId]]);
        this.options.logger.info(
          { event: "lease.released", replica: this.replicaId, tenant: shard.tenantId },
          "leases: gave a tenant back",
        );
      } catch (error) {
        // Its work is done either way: the lease, no longer renewed, runs out.
        this.failed("release", error);
      }
    })();
    this.drains.add(drained);
    void drained.finally(() => this.drains.delete(drained));
  }

  /** Forgets `shard` at once: its lease can no longer be trusted; the callbacks abort its work. */
  private fence(shard: Shard, why: string): void {
    this.shards.delete(shard.tenantId);
    this.options.logger.warn(
      { event: "lease.fenced", replica: this.replicaId, tenant: shard.tenantId, why },
      "leases: fenced a tenant",
    );
    this.callRelease(shard.tenantId, "fenced");
  }

  private callRelease(tenantId: number, reason: ReleaseReason): void {
    for (const callback of this.releaseCallbacks) {
      void (async () => callback(tenantId, reason))().catch((error: unknown) =>
        this.options.logger.error(
          { event: "lease.callback_failed", callback: "released", err: error, tenant: tenantId },
          "leases: a release callback failed",
        ),
      );
    }
  }

  /** Fences each shard when its lease stops being trustworthy (unless renewed before). */
  private armFence(): void {
    clearTimeout(this.fenceTimer);
    let next = Infinity;
    for (const shard of this.shards.values()) next = Math.min(next, shard.validUntil - this.margin);
    if (next === Infinity) return;
    this.fenceTimer = setTimeout(
      () => {
        const now = this.now();
        for (const shard of [...this.shards.values()]) {
          if (now >= shard.validUntil - this.margin) this.fence(shard, "its lease could not be renewed in time");
        }
        this.armFence();
      },
      Math.max(0, next - this.now()),
    );
    this.fenceTimer.unref();
  }

  /**
   * One statement, given up after a third of the lease: a connection that hangs must not stall
   * the renewals (what it may still commit is safe: a renewal not counted, or a lease never used
   * that runs out).
   */
  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("leases: the database did not answer in time")), this.period);
    });
    try {
      return await Promise.race([this.options.pool.query<R>(text, values), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(step: string, error: unknown): void {
    this.options.logger.warn(
      { event: "lease.step_failed", err: errorText(error), replica: this.replicaId, step },
      "leases: database step failed",
    );
  }
}

/** An error's message only (a driver's error object can carry connection details). */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
