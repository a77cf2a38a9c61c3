/**
 * @module db/opt-outs — numbers that opted out, per tenant, mirrored from STOP/START and 21610.
 */
import { tenantRows, type Database, type PluginReference } from "@switchboard/core";
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
  get(ref: PluginReference, phone: string): OptOut | undefined {
    return this.db
      .select({ keyword: smsOptOuts.keyword, optedOutAt: smsOptOuts.optedOutAt })
      .from(smsOptOuts)
      .where(this.number(ref, phone))
      .get();
  }

  /** Records that a number opted out (again). */
  optOut(ref: PluginReference, phone: string, keyword: string): void {
    const change = { keyword, optedOutAt: Date.now() };
    this.db
      .insert(smsOptOuts)
      .values({ ...ref, phone, ...change })
      .onConflictDoUpdate({
        target: [smsOptOuts.companyId, smsOptOuts.pluginAlias, smsOptOuts.pluginId, smsOptOuts.phone],
        set: change,
      })
      .run();
  }

  /** Removes an opt-out; true when there was one. */
  optIn(ref: PluginReference, phone: string): boolean {
    return this.db.delete(smsOptOuts).where(this.number(ref, phone)).run().changes > 0;
  }

  private number(ref: PluginReference, phone: string) {
    return and(tenantRows(smsOptOuts, ref), eq(smsOptOuts.phone, phone));
  }
}
