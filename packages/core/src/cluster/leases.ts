/**
 * @module cluster/leases — which tenants this process may work for: the contract between the
 * replicas' leases ({@link PgLeases}; {@link SingleProcessLeases} on SQLite) and the workers that
 * claim a tenant's work (the send queue, the CRM outbox).
 *
 * A worker claims a tenant's work only while `owns(tenantId)` is true, and checks it at every
 * claim (it turns false on its own when the lease can no longer be trusted, before the database
 * lets another replica take the tenant). It subscribes to:
 * - `onAcquire`: the tenant is ours from now on, and nobody else runs any of its work — the
 *   previous owner gave it back after its work in flight finished, or it fenced itself (aborted
 *   that work) before its lease ran out. So the worker puts the tenant's leased rows back in the
 *   queue at once (no waiting for their send lease: a later message of the chat would overtake
 *   them), starts the tenant's rate limits empty, and looks at its due work. `owns` turns true
 *   only after every acquire callback settled; then `onOwned` is told (look at the work now).
 * - `onRelease`: the tenant is no longer ours. For `rebalance` and `stop` the worker stops
 *   claiming (owns is false already) and resolves once the tenant's work in flight finished: only
 *   then is the shard given back. For `fenced` it aborts that work at once (nothing waits for it).
 */

/** Why a tenant is no longer ours. */
export type ReleaseReason =
  /** Over this replica's fair share: given back once the callbacks resolved (work in flight finished). */
  | "rebalance"
  /** `stop()`: everything is given back once the callbacks resolved. */
  | "stop"
  /** The lease could not be renewed in time (or was found taken): abort the tenant's work now. */
  | "fenced";

/** How this replica came to own a tenant. */
export interface AcquiredLease {
  /** Grows with every change of owner of the tenant: a fencing token for writes that want one. */
  epoch: number;
  /** How the previous owner's lease ended: never owned, given back, or run out (it died or was fenced). */
  previous: "none" | "released" | "expired";
  /** The replica that owned it before, when its lease ran out. */
  previousOwner: string | null;
}

/** Called when a tenant becomes ours; `owns` turns true once every such callback settled. */
export type AcquireCallback = (tenantId: number, lease: AcquiredLease) => void | Promise<void>;

/** Called once a tenant acquired is owned (`owns` just turned true): the moment to look at its work. */
export type OwnedCallback = (tenantId: number) => void;

/** Called when a tenant stops being ours; for `rebalance`/`stop` the shard is given back once it resolves. */
export type ReleaseCallback = (tenantId: number, reason: ReleaseReason) => void | Promise<void>;

/** The tenants this process owns, and the news of it gaining or losing one. */
export interface Leases {
  /** This process's name among the replicas (in the database and in logs). */
  readonly replicaId: string;
  /** True while this process may claim and run work of `tenantId`. */
  owns(tenantId: number): boolean;
  /** Subscribes to tenants becoming ours (before `start`, to hear of every one); answers the unsubscribe. */
  onAcquire(callback: AcquireCallback): () => void;
  /** Subscribes to tenants turning owned, right after their acquire callbacks settled; answers the unsubscribe. */
  onOwned(callback: OwnedCallback): () => void;
  /** The tenants owned right now, or null when this process owns every tenant (alone on its database). */
  ownedTenants(): number[] | null;
  /** Subscribes to tenants stopping being ours; answers the unsubscribe. */
  onRelease(callback: ReleaseCallback): () => void;
  /** Joins the replicas and takes this process's share of the tenants. */
  start(): Promise<void>;
  /** Gives every tenant back (once the release callbacks resolved) and leaves, for a zero-downtime deploy. */
  stop(): Promise<void>;
}
