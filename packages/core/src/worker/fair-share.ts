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
  /** Per owner: its due time, the number of its last hint, and the earliest time hinted since it was last settled. */
  private readonly owners = new Map<string, { owner: R; at: number; hinted: number; hintedMin: number }>();
  private readonly running = new Map<string, number>();
  /** Counts hints, so that a query's answer does not overwrite a hint that came while it ran. */
  private hints = 0;

  constructor(
    /** Most work in flight at once in one group. */
    readonly groupLimit: number,
  ) {}

  /** Work of `key` may be due from `at` on (the earliest hint wins). */
  hint(key: string, owner: R, at: number): void {
    const hinted = ++this.hints;
    const known = this.owners.get(key);
    if (!known) this.owners.set(key, { owner, at, hinted, hintedMin: at });
    else {
      known.hinted = hinted;
      known.hintedMin = Math.min(known.hintedMin, at);
      if (at < known.at) known.at = at;
    }
  }

  /** Where the hints stand: pass it to `settle` from just before the query whose answer it gives. */
  mark(): number {
    return this.hints;
  }

  /**
   * What the owner's rows say: its earliest work is due at `at`, or it has none (`null`), as a
   * query begun at `since` (a `mark`) read them. A hint after the mark may be for work the query
   * did not see: then the owner is due at the earlier of the two (an extra look, never a missed
   * one), and the answer is false: look at the owner again.
   */
  settle(key: string, at: number | null, since: number): boolean {
    const known = this.owners.get(key);
    if (!known) return true;
    if (known.hinted > since) {
      known.at = Math.min(at ?? Infinity, known.hintedMin);
      known.hintedMin = Infinity;
      return false;
    }
    known.hintedMin = Infinity;
    if (at === null) this.owners.delete(key);
    else known.at = at;
    return true;
  }

  /** Owners with work due at `now`, the one served longest ago first. */
  ready(now: number): Turn<R>[] {
    const turns: Turn<R>[] = [];
    for (const [key, entry] of this.owners) if (entry.at <= now) turns.push({ key, owner: entry.owner });
    return turns;
  }

  /** Drops what is known of `key` (its work is no longer this worker's to claim); a later hint brings it back. */
  forget(key: string): void {
    this.owners.delete(key);
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
