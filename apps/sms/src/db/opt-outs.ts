/**
 * @module db/opt-outs — numbers that opted out, per tenant, mirrored from STOP/START and 21610.
 */
import { tenantRows, type Database, type StoringWrite } from "@switchboard/core";
import { and, eq } from "drizzle-orm";
import { smsTables } from "./schema.js";

/** Why and when a number opted out. */
export interface OptOut {
  keyword: string;
  optedOutAt: number;
}

/** Reads and writes `sms_opt_outs` (portable: drizzle's query builder, awaited, on the store's own table). */
export class OptOuts {
  private readonly table;

  constructor(private readonly db: Database) {
    this.table = smsTables.for(db).smsOptOuts;
  }

  /** The opt-out of a number (E.164) for a tenant, if it opted out. */
  async get(tenantId: number, phone: string): Promise<OptOut | undefined> {
    const rows = await this.db
      .select({ keyword: this.table.keyword, optedOutAt: this.table.optedOutAt })
      .from(this.table)
      .where(this.number(tenantId, phone))
      .limit(1);
    return rows[0];
  }

  /** Records that a number opted out (again). */
  async optOut(tenantId: number, phone: string, keyword: string): Promise<void> {
    await this.optOutQuery(tenantId, phone, keyword);
  }

  /** Removes an opt-out; true when there was one. */
  async optIn(tenantId: number, phone: string): Promise<boolean> {
    return (await this.optInQuery(tenantId, phone)).length > 0;
  }

  /**
   * The same change as a write for core's `onStored` to answer (not run here): the event store runs
   * it inside the transaction that stores the inbound STOP or START, on either database, so it
   * commits or rolls back with the message.
   */
  changeWrite(tenantId: number, phone: string, change: { optOut: string } | "opt-in"): StoringWrite {
    if (change === "opt-in") return this.db.delete(this.table).where(this.number(tenantId, phone));
    return this.optOutQuery(tenantId, phone, change.optOut);
  }

  private optOutQuery(tenantId: number, phone: string, keyword: string) {
    const change = { keyword, optedOutAt: Date.now() };
    return this.db
      .insert(this.table)
      .values({ tenantId, phone, ...change })
      .onConflictDoUpdate({ target: [this.table.tenantId, this.table.phone], set: change });
  }

  private optInQuery(tenantId: number, phone: string) {
    return this.db.delete(this.table).where(this.number(tenantId, phone)).returning({ phone: this.table.phone });
  }

  private number(tenantId: number, phone: string) {
    return and(tenantRows(this.table, tenantId), eq(this.table.phone, phone));
  }
}
