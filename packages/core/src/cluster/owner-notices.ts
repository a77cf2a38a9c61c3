/**
 * @module cluster/owner-notices — telling a tenant's owner, on another replica, that a write for
 * it committed: one NOTIFY per tenant, after the commit, in a statement of its own.
 *
 * - Only for tenants another replica works for: a tenant this replica owns is woken in-process.
 *   Checked once the write committed: if the tenant is owned here then, any later owner acquires
 *   it after the commit and reads the row in its first look at the tenant's work.
 * - Not in the writing transaction: a notifying commit holds PostgreSQL's notification lock
 *   through its WAL flush, so notifying commits run one at a time, fsync included (the bench's
 *   `pg-commits`: 17 374 commits/s at 16 connections, 4 203 with a NOTIFY each). Here the notify
 *   commits asynchronously (no fsync: a hint lost in a server crash is found by the polling
 *   backstop), one statement at a time per store, each taking every tenant told meanwhile.
 * - Never before the commit, so the owner always finds the row; at the cost of one round trip.
 */
import type pg from "pg";
import { ASYNC_COMMIT } from "../db/pg-async-commit.js";
import { notifyChannel, type NotifyKind } from "./notifier.js";

/** Tells the owners of tenants written for, other than this replica, with NOTIFY `kind`. */
export class OwnerNotices {
  /** Tenants to tell in the next statement. */
  private readonly pending = new Set<number>();
  /** The statements running, if any: settles once nothing is pending. */
  private sending: Promise<void> | undefined;

  constructor(
    private readonly kind: NotifyKind,
    private readonly pool: Pick<pg.Pool, "query">,
    /** Whether this replica works for the tenant right now (default: never, so every write is told). */
    private readonly ownedHere: (tenantId: number) => boolean = () => false,
  ) {}

  /** A write for these tenants committed: tells the owners that are not this replica. */
  committed(tenantIds: Iterable<number>): void {
    for (const tenantId of tenantIds) if (!this.ownedHere(tenantId)) this.pending.add(tenantId);
    if (this.pending.size > 0 && !this.sending) this.sending = this.send();
  }

  /** Resolves once every notice asked for so far is sent (or lost): before the pool closes, and for tests. */
  async sent(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    while (this.pending.size > 0) {
      const tenants = [...this.pending];
      this.pending.clear();
      try {
        await this.pool.query({
          name: `owner-notices-${this.kind}`,
          text: `SELECT pg_notify($1, t::text) FROM unnest($2::int[]) AS t, ${ASYNC_COMMIT}`,
          values: [notifyChannel(this.kind), tenants],
        });
      } catch {
        // A hint lost (the database is away): the owner's polling backstop finds the rows.
      }
    }
    this.sending = undefined;
  }
}
