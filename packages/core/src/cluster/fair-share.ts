/**
 * @module cluster/fair-share — how many tenants each live replica should own: as even as whole
 * tenants allow, counted in TENANTS (two tenants on three replicas: two owners, one each).
 */

/** A live replica and how many tenants it owns now. */
export interface ReplicaLoad {
  id: string;
  owned: number;
}

/**
 * The number of tenants `self` should own. Every replica computes every replica's share from the
 * same table, so the shares add up to `tenants`: `floor(tenants / replicas)` each, and one more
 * for the first `tenants mod replicas` replicas when ordered by what they own now (most first,
 * then by id). Ordering by what they own keeps tenants where they are as far as fairness allows,
 * so a replica joining or leaving moves as few tenants as possible.
 */
export function fairShare(self: string, replicas: readonly ReplicaLoad[], tenants: number): number {
  const all = replicas.some((r) => r.id === self) ? [...replicas] : [...replicas, { id: self, owned: 0 }];
  all.sort((a, b) => b.owned - a.owned || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const base = Math.floor(tenants / all.length);
  const extra = tenants % all.length;
  return base + (all.findIndex((r) => r.id === self) < extra ? 1 : 0);
}
