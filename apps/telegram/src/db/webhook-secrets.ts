/**
 * @module db/webhook-secrets — the random per-tenant `secret_token` of the webhook: generated on
 * each settings save, stored once Telegram accepted it, looked up by the webhook route.
 */
import { randomBytes } from "node:crypto";
import { tenantRows, type GatewayRuntime, type PluginReference } from "@switchboard/core";
import { telegramWebhooks } from "./schema.js";

/**
 * A fresh secret: 32 random bytes, base64url (43 characters of `A-Z a-z 0-9 _ -`, which is what
 * Telegram allows). Random rather than derived from the bot token, so knowing one never gives the other.
 */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Reads and writes `telegram_webhooks`; the secret is stored sealed (`runtime.secrets`). */
export class WebhookSecrets {
  private readonly db: GatewayRuntime["db"];
  private readonly box: GatewayRuntime["secrets"];

  constructor(runtime: Pick<GatewayRuntime, "db" | "secrets">) {
    this.db = runtime.db;
    this.box = runtime.secrets;
  }

  /** Records the secret a tenant's webhook was just set with on bot `botId`, replacing the previous one. */
  save(ref: PluginReference, botId: string, secret: string): void {
    const row = { botId, secret: this.box.seal(secret), updatedAt: Date.now() };
    this.db
      .insert(telegramWebhooks)
      .values({ ...ref, ...row })
      .onConflictDoUpdate({
        target: [telegramWebhooks.companyId, telegramWebhooks.pluginAlias, telegramWebhooks.pluginId],
        set: row,
      })
      .run();
  }

  /** The tenant's secret, if its webhook was set on bot `botId`; otherwise nothing opens the webhook. */
  find(ref: PluginReference, botId: string): string | undefined {
    const row = this.db
      .select({ botId: telegramWebhooks.botId, secret: telegramWebhooks.secret })
      .from(telegramWebhooks)
      .where(tenantRows(telegramWebhooks, ref))
      .get();
    if (!row || row.botId !== botId || row.secret === "") return undefined;
    return this.box.open(row.secret);
  }
}
