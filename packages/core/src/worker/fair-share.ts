/**
 * @module worker/fair-share — which owners (tenants) may have work due, served in turn, with a cap
 * on the work in flight per group (a tenant, or every tenant of one CRM cluster).
 */

/** One owner with work that may be due, as handed out by {@link FairShare.ready}. */
export interface Turn<R> {
  key: string;
  owner: R;
}

/**
 * Round-robin bookkeeping for a worker that claims work owner by owner instead of oldest row first,
 * so that one owner's backlog or stalled sends never keep the others waiting.
 *
 * The due time kept per owner is a hint that is never later than its earliest due row (every write
 * that schedules work calls {@link hint}); only a query of the owner's rows may {@link settle} it.
 */
export class FairShare<R> {
  private readonly owners = new Map<string, { owner: R; at: number }>();
  private readonly running = new Map<string, number>();

  constructor(
    /** Most work in flight at once in one group. */
    readonly groupLimit: number,
  ) {}

  /** Work of `key` may be due from `at` on (the earliest hint wins). */
  hint(key: string, owner: R, at: number): void {
    const known = this.owners.get(key);
    if (!known) this.owners.set(key, { owner, at });
    else if (at < known.at) known.at = at;
  }

  /** What the owner's rows say: its earliest work is due at `at`, or it has none (`null`). */
  settle(key: string, at: number | null): void {
    if (at === null) {
      this.owners.delete(key);
      return;
    }
    const owner = this.owners.get(key);
    if (owner) owner.at = at;
  }

  /** Owners with work due at `now`, the one served longest ago first. */
  ready(now: number): Turn<R>[] {
    const turns: Turn<R>[] = [];
    for (const [key, entry] of this.owners) if (entry.at <= now) turns.push({ key, owner: entry.owner });
    return turns;
  }

  /** Moves `key` to the back of the turn order. */
  served(key: string): void {
    const owner = this.owners.get(key);
    if (!owner) return;
    this.owners.delete(key);
    this.owners.set(key, owner);
  }

  /** The earliest time after `now` at which an owner has work due (owners due already wake the worker as their work ends). */
  nextAfter(now: number): number | null {
    let next: number | null = null;
    for (const { at } of this.owners.values()) if (at > now && (next === null || at < next)) next = at;
    return next;
  }

  /** How much more work `group` may start now. */
  room(group: string): number {
    return this.groupLimit - (this.running.get(group) ?? 0);
  }

  /** Counts one piece of work of `group` in flight. */
  start(group: string): void {
    this.running.set(group, (this.running.get(group) ?? 0) + 1);
  }

  /** Counts one piece of work of `group` as finished. */
  finish(group: string): void {
    const n = (this.running.get(group) ?? 1) - 1;
    if (n <= 0) this.running.delete(group);
    else this.running.set(group, n);
  }
}
