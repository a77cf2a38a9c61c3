/**
 * @module webhook/routes — the routes Twilio calls: inbound messages and status callbacks.
 */
import type { GatewayRuntime } from "@switchboard/core";
import type { Hono } from "hono";
import { createInboundHandler } from "./inbound.js";
import { handleStatusCallback } from "./status.js";

/** Adds `POST sms/inbound/:publicId` and `POST sms/status/:publicId` (under LV_PLUGIN_SELF_URI). */
export function createWebhookRoutes(apiBaseUrl: string, runtime: GatewayRuntime) {
  const inbound = createInboundHandler(apiBaseUrl);
  return (app: Hono): void => {
    app.post("/sms/inbound/:publicId", (c) => inbound(c, runtime));
    app.post("/sms/status/:publicId", (c) => handleStatusCallback(c, runtime));
  };
}
