/**
 * @module db/token-store — the random per-tenant token of the raw-MIME inbound webhook URL.
 * It also keys the tenant's Message-ID hashes, so it never leaves the settings preview.
 */
import { randomBytes } from "node:crypto";
import type { PluginReference } from "@switchboard/core";
import { REF_WHERE, refParams, type Sqlite } from "./sqlite.js";

/** Reads and creates rows of `email_inbound_tokens`. */
export class TokenStore {
  constructor(private readonly db: Sqlite) {}

  /** The tenant's token, created on first use. */
  getOrCreate(ref: PluginReference): string {
    const existing = this.db
      .prepare(`SELECT token FROM email_inbound_tokens WHERE ${REF_WHERE}`)
      .get(refParams(ref)) as { token: string } | undefined;
    if (existing) return existing.token;
    this.db
      .prepare(
        `INSERT INTO email_inbound_tokens (company_id, plugin_alias, plugin_id, token, created_at)
         VALUES (@companyId, @pluginAlias, @pluginId, @token, @createdAt) ON CONFLICT DO NOTHING`,
      )
      .run({ ...refParams(ref), token: randomBytes(24).toString("base64url"), createdAt: Date.now() });
    return this.getOrCreate(ref);
  }

  /** The tenant a token belongs to. */
  findRef(token: string): PluginReference | undefined {
    const row = this.db
      .prepare("SELECT company_id, plugin_alias, plugin_id FROM email_inbound_tokens WHERE token = ?")
      .get(token) as { company_id: string; plugin_alias: string; plugin_id: string } | undefined;
    return row && { companyId: row.company_id, pluginAlias: row.plugin_alias, pluginId: row.plugin_id };
  }
}
