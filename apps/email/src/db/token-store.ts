/**
 * @module db/token-store — the random per-tenant token of the raw-MIME inbound webhook URL.
 * It also keys the tenant's Message-ID hashes, so it never leaves the settings preview. Stored
 * sealed (`runtime.secrets`), with its SHA-256 to find the tenant of a URL: the token is 24
 * random bytes, so the hash gives nothing away.
 */
import { createHash, randomBytes } from "node:crypto";
import { tenantRows, type GatewayRuntime } from "@switchboard/core";
import { eq, isNull } from "drizzle-orm";
import { emailInboundTokens } from "./schema.js";

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
      .select({ token: emailInboundTokens.token, tenantId: emailInboundTokens.tenantId })
      .from(emailInboundTokens)
      .where(isNull(emailInboundTokens.tokenHash))
      .all();
    for (const { token, tenantId } of unhashed) {
      this.db
        .update(emailInboundTokens)
        .set({ tokenHash: hashOf(this.box.open(token)) })
        .where(tenantRows(emailInboundTokens, tenantId))
        .run();
    }
  }

  /** The tenant's token, created on first use. */
  getOrCreate(tenantId: number): string {
    const existing = this.db
      .select({ token: emailInboundTokens.token })
      .from(emailInboundTokens)
      .where(tenantRows(emailInboundTokens, tenantId))
      .get();
    if (existing) return this.box.open(existing.token);
    const token = randomBytes(24).toString("base64url");
    this.db
      .insert(emailInboundTokens)
      .values({ tenantId, token: this.box.seal(token), tokenHash: hashOf(token), createdAt: Date.now() })
      .onConflictDoNothing()
      .run();
    return this.getOrCreate(tenantId);
  }

  /** The tenant a token belongs to. */
  findTenantId(token: string): number | undefined {
    return this.db
      .select({ tenantId: emailInboundTokens.tenantId })
      .from(emailInboundTokens)
      .where(eq(emailInboundTokens.tokenHash, hashOf(token)))
      .get()?.tenantId;
  }
}
