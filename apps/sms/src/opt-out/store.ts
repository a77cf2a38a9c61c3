/**
 * @module opt-out/store — numbers that opted out, per tenant, mirrored from STOP/START and 21610.
 */
import type { Database, PluginReference } from "@switchboard/core";

/** Why and when a number opted out. */
export interface OptOut {
  keyword: string;
  optedOutAt: number;
}

/** Reads and writes the `sms_opt_outs` table. */
export class OptOutStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: Database) {
    const sqlite = db.$client;
    this.select = sqlite.prepare(
      `SELECT keyword, opted_out_at FROM sms_opt_outs WHERE company_id = ? AND plugin_alias = ? AND plugin_id = ? AND phone = ?`,
    );
    this.upsert = sqlite.prepare(
      `INSERT INTO sms_opt_outs (company_id, plugin_alias, plugin_id, phone, keyword, opted_out_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET keyword = excluded.keyword, opted_out_at = excluded.opted_out_at`,
    );
    this.remove = sqlite.prepare(
      `DELETE FROM sms_opt_outs WHERE company_id = ? AND plugin_alias = ? AND plugin_id = ? AND phone = ?`,
    );
  }

  /** The opt-out of a number (E.164) for a tenant, if it opted out. */
  get(ref: PluginReference, phone: string): OptOut | undefined {
    const row = this.select.get(ref.companyId, ref.pluginAlias, ref.pluginId, phone) as
      { keyword: string; opted_out_at: number } | undefined;
    return row && { keyword: row.keyword, optedOutAt: row.opted_out_at };
  }

  /** Records that a number opted out (again). */
  optOut(ref: PluginReference, phone: string, keyword: string): void {
    this.upsert.run(ref.companyId, ref.pluginAlias, ref.pluginId, phone, keyword, Date.now());
  }

  /** Removes an opt-out; true when there was one. */
  optIn(ref: PluginReference, phone: string): boolean {
    return this.remove.run(ref.companyId, ref.pluginAlias, ref.pluginId, phone).changes > 0;
  }
}

const stores = new WeakMap<Database, OptOutStore>();

/** The store of a database (one per open database). */
export function optOutStore(db: Database): OptOutStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = new OptOutStore(db)));
  return store;
}
