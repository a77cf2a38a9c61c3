/**
 * @module db/token-store — the random per-tenant token of the raw-MIME inbound webhook URL.
 * It also keys the tenant's Message-ID hashes, so it never leaves the settings preview. Stored
 * sealed (`runtime.secrets`), with its SHA-256 to find the tenant of a URL: the token is 24
 * random bytes, so the hash gives nothing away.
 */
import { createHash, randomBytes } from "node:crypto";
import { tenantRows, type GatewayRuntime, type PluginReference } from "@switchboard/core";
import { eq, isNull } from "drizzle-orm";
import { emailInboundTokens } from "./schema.js";

const refColumns = {
  companyId: emailInboundTokens.companyId,
  pluginAlias: emailInboundTokens.pluginAlias,
  pluginId: emailInboundTokens.pluginId,
};

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Reads and creates rows of `email_inbound_tokens`. */
export class TokenStore {
  private readonly db: GatewayRuntime["db"];
  private readonly box: GatewayRuntime["secrets"];

  /** Also fills the hash of tokens stored before it existed. */
  constructor(runtime: Pick<GatewayRuntime, "db" | "secrets">) {
    this.db = runtime.db;
    this.box = runtime.secrets;
    const unhashed = this.db
      .select({ token: emailInboundTokens.token, ...refColumns })
      .from(emailInboundTokens)
      .where(isNull(emailInboundTokens.tokenHash))
      .all();
    for (const { token, ...ref } of unhashed) {
      this.db
        .update(emailInboundTokens)
        .set({ tokenHash: hashOf(this.box.open(token)) })
        .where(tenantRows(emailInboundTokens, ref))
        .run();
    }
  }

  /** The tenant's token, created on first use. */
  getOrCreate(ref: PluginReference): string {
    const existing = this.db
      .select({ token: emailInboundTokens.token })
      .from(emailInboundTokens)
      .where(tenantRows(emailInboundTokens, ref))
      .get();
    if (existing) return this.box.open(existing.token);
    const token = randomBytes(24).toString("base64url");
    this.db
      .insert(emailInboundTokens)
      .values({ ...ref, token: this.box.seal(token), tokenHash: hashOf(token), createdAt: Date.now() })
      .onConflictDoNothing()
      .run();
    return this.getOrCreate(ref);
  }

  /** The tenant a token belongs to. */
  findRef(token: string): PluginReference | undefined {
    return this.db
      .select(refColumns)
      .from(emailInboundTokens)
      .where(eq(emailInboundTokens.tokenHash, hashOf(token)))
      .get();
  }
}
