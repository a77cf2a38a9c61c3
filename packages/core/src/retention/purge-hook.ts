/**
 * @module retention/purge-hook — how a gateway or a host has its own tables cleaned by the
 * retention schedule (`purge` on its instance), without core knowing them.
 */
import type { SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { RetentionCutoffs } from "./retention-policy.js";

/** What a gateway's or host's purge is given in each pass. */
export interface PurgeContext {
  /** The times before which rows may go, by kind (its per-message history: `cutoffs.history`). */
  cutoffs: RetentionCutoffs;
  /**
   * Deletes the rows of one of its tables (`tables.for(db)`) that match `where`, in bounded
   * statements; answers how many went. Purges should delete through it.
   */
  deleteInBatches(table: SQLiteTable, where: SQL | undefined): Promise<number>;
}

/**
 * Deletes a gateway's or host's rows that are past their retention; answers how many went per
 * table name (logged with the pass). Only finished history: never anything still in use, nor
 * consent state such as SMS opt-outs.
 */
export type PurgeHook = (ctx: PurgeContext) => Promise<Record<string, number>>;
