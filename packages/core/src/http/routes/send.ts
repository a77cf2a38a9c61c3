/**
 * @module http/routes/send — `POST /special/send` (§5.7): verify, validate, store, answer 202.
 */
import { Hono } from "hono";
import { isStorageUnavailable } from "../../db/storage-health.js";
import { HttpError } from "../../errors.js";
import { parseChatMessage } from "../../protocol/chat.js";
import type { AppDeps, AppEnv } from "../context.js";
import { readBody } from "../bounded-body.js";
import { registeredTenant } from "../protected.js";

/** Accepts an outgoing message from the CRM into the durable queue. */
export function sendRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/special/send", async (c) => {
    const body = await readBody(c);
    const verified = await deps.verifier.verify(body.request);
    const tenant = registeredTenant(deps.tenants, verified);
    const { claims } = verified;
    const parsed = parseChatMessage(claims.body);
    if (!parsed.ok) throw new HttpError(405, parsed.error);
    if (parsed.unknownFormat !== undefined) {
      deps.logger.warn(
        { format: parsed.unknownFormat.slice(0, 50), crmMessageId: parsed.value.message.id },
        "unknown message format; sending it as plain text",
      );
    }
    try {
      await deps.queue.enqueue(tenant.id, parsed.value);
    } catch (error) {
      if (isStorageUnavailable(error)) throw error; // a 503 with Retry-After (http/errors.ts)
      deps.logger.error({ err: error }, "could not store an outgoing message");
      throw new HttpError(500, "Error while sending message via gateway");
    }
    return c.body(null, 202);
  });
  return app;
}
