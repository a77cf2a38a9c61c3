/**
 * @module webhook/paths — where the channel posts to us, under LV_PLUGIN_SELF_URI, per tenant.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import type { WebhookUrls } from "../channel/api.js";

/** Customer messages. */
export const MESSAGES_ROUTE = "echo/messages/:publicId";
/** Delivery statuses of the messages we sent. */
export const STATUSES_ROUTE = "echo/statuses/:publicId";
/** The largest webhook body taken (413 past it): a message's text and its files' links. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** The tenant's two webhook URLs, as the channel is given them. */
export function webhookUrls(runtime: Pick<GatewayRuntime, "publicUrl">, tenant: Pick<Tenant, "publicId">): WebhookUrls {
  return {
    messages: runtime.publicUrl(MESSAGES_ROUTE.replace(":publicId", tenant.publicId)),
    statuses: runtime.publicUrl(STATUSES_ROUTE.replace(":publicId", tenant.publicId)),
  };
}
