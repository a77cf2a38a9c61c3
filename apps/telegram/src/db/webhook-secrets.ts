/**
 * @module db/webhook-secrets — the random per-tenant `secret_token` of the webhook: generated on
 * each settings save, stored once Telegram accepted it, looked up by the webhook route.
 */
import { randomBytes } from "node:crypto";
import type { GatewayRuntime } from "@switchboard/core";
import { eq, sql } from "drizzle-orm";
import { telegramTables } from "./schema.js";

/**
 * A fresh secret: 32 random bytes, base64url (43 characters of `A-Z a-z 0-9 _ -`, which is what
 * Telegram allows). Random rather than derived from the bot token, so knowing one never gives the other.
 */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Reads and writes `telegram_webhooks` (portable: drizzle's query builder, awaited); the secret is
 * stored sealed (`runtime.secrets`). `find` runs on every update (the webhook's hot path): its query
 * is prepared once, and a sealed value already opened is not decrypted again (a new save stores a
 * new sealed value, which is opened afresh).
 */
export class WebhookSecrets {
  private readonly db: GatewayRuntime["db"];
  private readonly box: GatewayRuntime["secrets"];
  /** `telegram_webhooks` of the store `db` is. */
  private readonly table;
  private readonly byTenant;
  /** The last sealed secret opened per tenant, and what it opened to. */
  private readonly opened = new Map<number, { sealed: string; secret: string }>();

  constructor(runtime: Pick<GatewayRuntime, "db" | "secrets">) {
    this.db = runtime.db;
    this.box = runtime.secrets;
    const table = (this.table = telegramTables.for(runtime.db).telegramWebhooks);
    // tenantRows binds a value; a prepared query binds the tenant per call instead.
    this.byTenant = this.db
      .select({ botId: table.botId, secret: table.secret })
      .from(table)
      .where(eq(table.tenantId, sql.placeholder("tenantId")))
      .limit(1)
      .prepare();
  }

  /** Records the secret a tenant's webhook was just set with on bot `botId`, replacing the previous one. */
  async save(tenantId: number, botId: string, secret: string): Promise<void> {
    const row = { botId, secret: this.box.seal(secret), updatedAt: Date.now() };
    await this.db
      .insert(this.table)
      .values({ tenantId, ...row })
      .onConflictDoUpdate({ target: this.table.tenantId, set: row });
  }

  /** The tenant's secret, if its webhook was set on bot `botId`; otherwise nothing opens the webhook. */
  async find(tenantId: number, botId: string): Promise<string | undefined> {
    const [row] = await this.byTenant.execute({ tenantId });
    if (!row || row.botId !== botId || row.secret === "") return undefined;
    const known = this.opened.get(tenantId);
    if (known?.sealed === row.secret) return known.secret;
    const secret = this.box.open(row.secret);
    this.opened.set(tenantId, { sealed: row.secret, secret });
    return secret;
  }
}
