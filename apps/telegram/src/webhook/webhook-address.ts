/**
 * @module webhook/webhook-address — where a tenant's bot posts updates, and the secret it sends.
 */
import { createHmac } from "node:crypto";
import type { GatewayRuntime } from "@switchboard/core";

/** Path of the webhook route, under LV_PLUGIN_SELF_URI. */
export const WEBHOOK_ROUTE = "/telegram/webhook/:publicId";

/** The update types the gateway handles (given to setWebhook as `allowed_updates`). */
export const ALLOWED_UPDATES = ["message", "edited_message"] as const;

/** The public webhook URL of a tenant: identified by its opaque public id, never the token. */
export function webhookUrl(runtime: Pick<GatewayRuntime, "publicUrl">, publicId: string): string {
  return runtime.publicUrl(`telegram/webhook/${encodeURIComponent(publicId)}`);
}

/**
 * The `secret_token` of a tenant's webhook: an HMAC of its random public id keyed by the bot token.
 * It differs per tenant and per bot, cannot be guessed without the token (whoever has the token
 * controls the bot anyway), changes when the token is replaced, and needs no storage.
 */
export function webhookSecret(token: string, publicId: string): string {
  return createHmac("sha256", token).update(`switchboard-telegram-webhook:${publicId}`).digest("base64url");
}
