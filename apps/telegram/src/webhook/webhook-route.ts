/**
 * @module webhook/webhook-route — `POST /telegram/webhook/<publicId>`: grammY's own hono adapter
 * checks the secret header against the tenant's stored random secret (401 when missing or wrong,
 * and always 401 while the tenant has none), then each new update is stored in core's durable CRM
 * outbox and acknowledged at once; forwarding happens in the background. A body that is not an
 * update gets 400; an update of the wrong shape is logged and acknowledged (200), never a 5xx.
 */
import {
  isStorageUnavailable,
  readBoundedText,
  referenceKey,
  type GatewayRuntime,
  type IncomingMessage,
} from "@switchboard/core";
import { timingSafeEqual } from "node:crypto";
import { webhookCallback } from "grammy";
import type { Context, Hono } from "hono";
import type { Bots } from "../bot/bots.js";
import { botIdOf, redactToken } from "../bot/redact.js";
import { WebhookSecrets } from "../db/webhook-secrets.js";
import type { TelegramSettings } from "../settings/form.js";
import { fileKey, FILE_KIND } from "../files/file-key.js";
import { toIncoming } from "./to-incoming.js";
import { checkUpdate } from "./update-shape.js";
import { WEBHOOK_ROUTE } from "./webhook-address.js";

type Handler = (c: Context) => Promise<Response>;

/** Updates are a few KB (a 4096-character message and its entities); 1 MiB is generous. */
export const UPDATE_BODY_LIMIT = 1024 * 1024;

/** Builds the `routes` hook that mounts the webhook. */
export function createWebhookRoutes(bots: Bots, runtime: GatewayRuntime<TelegramSettings>) {
  return (app: Hono): void => {
    const secrets = new WebhookSecrets(runtime);
    // One grammY bot per tenant, rebuilt when the tenant's token or secret changes.
    const handlers = new Map<string, { token: string; secret: string; handle: Handler }>();

    const handlerFor = (publicId: string, token: string, secret: string): Handler => {
      const known = handlers.get(publicId);
      if (known?.token === token && known.secret === secret) return known.handle;
      const bot = bots.createBot(token);
      bot.on(["message", "edited_message"], (ctx) => {
        const tenant = runtime.tenants.byPublicId(publicId);
        // The token may have changed since this bot was built: never mix two bots' updates.
        if (!tenant || tenant.settings.main?.botToken !== token) return;
        let incoming: IncomingMessage | undefined;
        try {
          incoming = toIncoming(ctx.update, {
            allowGroups: tenant.settings.main.allowGroups === true,
            link: (file) => runtime.files.link(tenant, FILE_KIND, fileKey(file), { fileName: file.name }),
          });
        } catch (error) {
          // checkUpdate passed it, yet it cannot be read: no redelivery can fix that, so no 5xx.
          runtime.logger.warn(
            { tenant: referenceKey(tenant.ref), update: ctx.update.update_id, err: (error as Error).name },
            "telegram update could not be read; ignored",
          );
          return;
        }
        if (!incoming) return;
        // Telegram redelivers after errors and timeouts: each update_id reaches the CRM once.
        const fresh = runtime.forwardIncoming(tenant, incoming, {
          externalId: `update:${botIdOf(token)}:${ctx.update.update_id}`,
        });
        runtime.logger.debug(
          { tenant: referenceKey(tenant.ref), update: ctx.update.update_id, fresh },
          "telegram update",
        );
      });
      const handle = webhookCallback(bot, "hono", { secretToken: secret }) as Handler;
      handlers.set(publicId, { token, secret, handle });
      return handle;
    };

    app.post(WEBHOOK_ROUTE, async (c) => {
      const publicId = c.req.param("publicId") ?? "";
      const tenant = runtime.tenants.byPublicId(publicId);
      const token = tenant?.settings.main?.botToken;
      if (!tenant || typeof token !== "string" || token === "")
        return c.json({ code: 404, message: "Unknown webhook" }, 404);
      // grammY accepts every request when given no secret: without a stored one, nothing gets in
      // (the connection preview tells the manager to save the settings).
      const secret = secrets.find(tenant.ref, botIdOf(token));
      // Checked here too (grammY answers a bare 401) so every refusal is `{code, message}` JSON.
      if (secret === undefined || !sameSecret(c.req.header("x-telegram-bot-api-secret-token"), secret)) {
        return c.json({ code: 401, message: "Missing or wrong secret token" }, 401);
      }
      // Read once, bounded, and parsed once. Anything but an update is a 400; an update we cannot
      // read is acknowledged and logged: a 5xx would make Telegram redeliver it forever, and no
      // retry can make it readable.
      const body = parseJson(await readBoundedText(c, UPDATE_BODY_LIMIT));
      const check = checkUpdate(body);
      if (check.kind === "not-an-update") return c.json({ code: 400, message: "Body is not a Telegram update" }, 400);
      if (check.kind === "unreadable") {
        runtime.logger.warn(
          { tenant: referenceKey(tenant.ref), update: check.updateId, problems: check.problems },
          "telegram update has fields of the wrong shape; ignored",
        );
        return c.body(null, 200);
      }
      // Hono caches body promises here (typed as values): grammY's `c.req.json()` gets the object
      // just checked instead of parsing the text again.
      (c.req.bodyCache as Record<string, unknown>).json = Promise.resolve(body);
      try {
        return await handlerFor(publicId, token, secret)(c);
      } catch (error) {
        // A busy or full database: core answers 503 with Retry-After and marks /readyz (Telegram delivers again).
        if (isStorageUnavailable(error)) throw error;
        // Logged by hand, without the error object: grammY's network errors carry URLs with the token.
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        runtime.logger.error(
          { tenant: referenceKey(tenant.ref), err: redactToken(reason, token) },
          "telegram update failed",
        );
        return c.json({ code: 500, message: "Update could not be stored; Telegram will deliver it again" }, 500);
      }
    });
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
