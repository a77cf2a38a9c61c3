/**
 * @module db/opt-outs — numbers that opted out, per tenant, mirrored from STOP/START and 21610.
 */
import { tenantRows, type Database } from "@switchboard/core";
import { and, eq } from "drizzle-orm";
import { smsOptOuts } from "./schema.js";

/** Why and when a number opted out. */
export interface OptOut {
  keyword: string;
  optedOutAt: number;
}

/** Reads and writes `sms_opt_outs`. */
export class OptOuts {
  constructor(private readonly db: Database) {}

  /** The opt-out of a number (E.164) for a tenant, if it opted out. */
  get(tenantId: number, phone: string): OptOut | undefined {
    return this.db
      .select({ keyword: smsOptOuts.keyword, optedOutAt: smsOptOuts.optedOutAt })
      .from(smsOptOuts)
      .where(this.number(tenantId, phone))
      .get();
  }

  /** Records that a number opted out (again). */
  optOut(tenantId: number, phone: string, keyword: string): void {
    const change = { keyword, optedOutAt: Date.now() };
    this.db
      .insert(smsOptOuts)
      .values({ tenantId, phone, ...change })
      .onConflictDoUpdate({ target: [smsOptOuts.tenantId, smsOptOuts.phone], set: change })
      .run();
  }

  /** Removes an opt-out; true when there was one. */
  optIn(tenantId: number, phone: string): boolean {
    return this.db.delete(smsOptOuts).where(this.number(tenantId, phone)).run().changes > 0;
  }

  private number(tenantId: number, phone: string) {
    return and(tenantRows(smsOptOuts, tenantId), eq(smsOptOuts.phone, phone));
  }
}
