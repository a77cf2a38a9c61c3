/**
 * @module webhook/point-webhook — points a bot's webhook at its tenant's URL here with a new random
 * secret, stored (sealed) only once Telegram took it, so a refused or failed setWebhook leaves the
 * current one working. Settings saves and `webhook reset` of the CLI both do it this way.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import type { Bots } from "../bot/bots.js";
import { botIdOf } from "../bot/redact.js";
import { newWebhookSecret, type WebhookSecrets } from "../db/webhook-secrets.js";
import { ALLOWED_UPDATES, webhookUrl } from "./webhook-address.js";

/** Connections Telegram may open to the webhook at once. */
export const WEBHOOK_MAX_CONNECTIONS = 40;

/** Sets the bot's webhook to the tenant's URL with a fresh secret and stores it; answers the URL. Grammy's errors pass through. */
export async function pointWebhook(
  bots: Bots,
  runtime: Pick<GatewayRuntime, "publicUrl">,
  secrets: WebhookSecrets,
  tenant: Pick<Tenant, "id" | "publicId">,
  token: string,
): Promise<string> {
  const url = webhookUrl(runtime, tenant.publicId);
  const secret = newWebhookSecret();
  await bots.api(token).setWebhook(url, {
    secret_token: secret,
    allowed_updates: [...ALLOWED_UPDATES],
    max_connections: WEBHOOK_MAX_CONNECTIONS,
  });
  await secrets.save(tenant.id, botIdOf(token), secret);
  return url;
}
