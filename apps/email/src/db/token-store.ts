/**
 * @module db/token-store — the random per-tenant token of the raw-MIME inbound webhook URL.
 * It also keys the tenant's Message-ID hashes, so it never leaves the settings preview. Stored
 * sealed (`runtime.secrets`), with its SHA-256 to find the tenant of a URL: the token is 24
 * random bytes, so the hash gives nothing away.
 */
import { createHash, randomBytes } from "node:crypto";
import { tenantRows, type GatewayRuntime } from "@switchboard/core";
import { eq, isNull } from "drizzle-orm";
import { emailTables } from "./schema.js";

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Reads and creates rows of `email_inbound_tokens` (portable: drizzle's query builder, awaited). */
export class TokenStore {
  private readonly db: GatewayRuntime["db"];
  private readonly box: GatewayRuntime["secrets"];
  private readonly table;

  constructor(runtime: Pick<GatewayRuntime, "db" | "secrets">) {
    this.db = runtime.db;
    this.box = runtime.secrets;
    this.table = emailTables.for(this.db).emailInboundTokens;
  }

  /** Fills the hash of tokens stored before it existed (once, at start); resolves how many. */
  async hashUnhashed(): Promise<number> {
    const unhashed = await this.db
      .select({ token: this.table.token, tenantId: this.table.tenantId })
      .from(this.table)
      .where(isNull(this.table.tokenHash));
    for (const { token, tenantId } of unhashed) {
      await this.db
        .update(this.table)
        .set({ tokenHash: hashOf(this.box.open(token)) })
        .where(tenantRows(this.table, tenantId));
    }
    return unhashed.length;
  }

  /** The tenant's token, created on first use. */
  async getOrCreate(tenantId: number): Promise<string> {
    const existing = await this.stored(tenantId);
    if (existing !== undefined) return existing;
    const token = randomBytes(24).toString("base64url");
    // Two first uses at once (or two replicas): one row wins, and both answer the one stored.
    await this.db
      .insert(this.table)
      .values({ tenantId, token: this.box.seal(token), tokenHash: hashOf(token), createdAt: Date.now() })
      .onConflictDoNothing();
    const stored = await this.stored(tenantId);
    if (stored === undefined)
      throw new Error(`email_inbound_tokens has no row for tenant ${tenantId} after inserting it`);
    return stored;
  }

  /** The tenant a token belongs to. */
  async findTenantId(token: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ tenantId: this.table.tenantId })
      .from(this.table)
      .where(eq(this.table.tokenHash, hashOf(token)))
      .limit(1);
    return row?.tenantId;
  }

  private async stored(tenantId: number): Promise<string | undefined> {
    const [row] = await this.db
      .select({ token: this.table.token })
      .from(this.table)
      .where(tenantRows(this.table, tenantId))
      .limit(1);
    return row && this.box.open(row.token);
  }
}
