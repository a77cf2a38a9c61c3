/**
 * @module routes/send — `POST /special/send` (§5.7): verify, validate, store, answer 202.
 */
import { HttpError, isStorageUnavailable } from "@switchboard/core";
import { readBody } from "@switchboard/core/internal";
import { Hono } from "hono";
import { parseChatMessage } from "../chat-message.js";
import type { RouteDeps, RouteEnv } from "./context.js";
import { registeredTenant } from "./plugin-token.js";

/** Accepts an outgoing message from the CRM into the durable queue. */
export function sendRoutes(deps: RouteDeps): Hono<RouteEnv> {
  const { logger, messages } = deps.runtime;
  const app = new Hono<RouteEnv>();
  app.post("/special/send", async (c) => {
    const body = await readBody(c);
    const verified = await deps.verifier.verify(body.request);
    const tenant = await registeredTenant(deps.registrations, verified);
    const parsed = parseChatMessage(verified.claims.body);
    if (!parsed.ok) throw new HttpError(405, parsed.error);
    if (parsed.unknownFormat !== undefined) {
      logger.warn(
        {
          event: "send.unknown_format",
          tenant: tenant.id,
          format: parsed.unknownFormat.slice(0, 50),
          crmMessageId: parsed.value.message.id,
        },
        "unknown message format; sending it as plain text",
      );
    }
    try {
      await messages.accept(tenant, parsed.value);
    } catch (error) {
      if (isStorageUnavailable(error)) throw error; // a 503 with Retry-After (core's error handler)
      logger.error(
        { event: "send.store_failed", tenant: tenant.id, err: error },
        "could not store an outgoing message",
      );
      throw new HttpError(500, "Error while sending message via gateway");
    }
    return c.body(null, 202);
  });
  return app;
}
