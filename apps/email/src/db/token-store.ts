/**
 * @module db/token-store — the random per-tenant token of the raw-MIME inbound webhook URL.
 * It also keys the tenant's Message-ID hashes, so it never leaves the settings preview.
 */
import { randomBytes } from "node:crypto";
import type { Database, PluginReference } from "@switchboard/core";
import { eq } from "drizzle-orm";
import { emailInboundTokens } from "./schema.js";
import { ofTenant } from "./tenant-scope.js";

/** Reads and creates rows of `email_inbound_tokens`. */
export class TokenStore {
  constructor(private readonly db: Database) {}

  /** The tenant's token, created on first use. */
  getOrCreate(ref: PluginReference): string {
    const existing = this.db
      .select({ token: emailInboundTokens.token })
      .from(emailInboundTokens)
      .where(ofTenant(emailInboundTokens, ref))
      .get();
    if (existing) return existing.token;
    this.db
      .insert(emailInboundTokens)
      .values({ ...ref, token: randomBytes(24).toString("base64url"), createdAt: Date.now() })
      .onConflictDoNothing()
      .run();
    return this.getOrCreate(ref);
  }

  /** The tenant a token belongs to. */
  findRef(token: string): PluginReference | undefined {
    return this.db
      .select({
        companyId: emailInboundTokens.companyId,
        pluginAlias: emailInboundTokens.pluginAlias,
        pluginId: emailInboundTokens.pluginId,
      })
      .from(emailInboundTokens)
      .where(eq(emailInboundTokens.token, token))
      .get();
  }
}
