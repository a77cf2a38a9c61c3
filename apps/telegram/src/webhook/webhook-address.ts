/**
 * @module webhook/webhook-address — where a tenant's bot posts updates (its secret is in db/webhook-secrets).
 */
import type { GatewayRuntime } from "@switchboard/core";

/** Path of the update webhook, under LV_PLUGIN_SELF_URI. */
export const WEBHOOK_PATH = "telegram/webhook/:publicId";

/** The update types the gateway handles (given to setWebhook as `allowed_updates`). */
export const ALLOWED_UPDATES = ["message", "edited_message"] as const;

/** The public webhook URL of a tenant: identified by its opaque public id, never the token. */
export function webhookUrl(runtime: Pick<GatewayRuntime, "publicUrl">, publicId: string): string {
  return runtime.publicUrl(`telegram/webhook/${encodeURIComponent(publicId)}`);
}
