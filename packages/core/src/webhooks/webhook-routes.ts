/**
 * @module webhooks/webhook-routes — the HTTP around every webhook a gateway declares: body within
 * its limit, tenant lookup, the gateway's `verify` and `parse`, storing the events once, and the
 * answer. Refusals are `{code, message}` (404 unknown tenant, 401/403 refused, 413 too large, 400
 * unreadable); a request that parses to nothing is acknowledged; nothing a channel sends is a 500.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { isStorageUnavailable } from "../db/storage-health.js";
import { HttpError, WebhookInputError } from "../errors.js";
import type { GatewayInstance, Tenant, WebhookDefinition, WebhookRefusal } from "../gateway/types.js";
import { readBoundedBody } from "../http/bounded-body.js";
import type { AppDeps, AppEnv } from "../http/context.js";
import type { IncomingObserver, WebhookOutcome } from "../metrics/observers.js";
import { webhookRequest } from "./webhook-request.js";

/** Largest webhook body by default: channels' webhooks are a few KB. */
export const DEFAULT_WEBHOOK_LIMIT = 1024 * 1024;

const REFUSED: WebhookRefusal = { status: 401, message: "Missing or wrong webhook signature or secret" };

/** Mounts every declared webhook of a running gateway (paths relative to LV_PLUGIN_SELF_URI). */
export function webhookRoutes(deps: AppDeps, instance: GatewayInstance): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const [name, webhook] of Object.entries(instance.webhooks ?? {})) {
    const paths = typeof webhook.path === "string" ? [webhook.path] : webhook.path;
    const handle = deps.metrics ? countedWebhook(deps.metrics, name, webhook) : handleWebhook;
    for (const path of paths) app.post(`/${path.replace(/^\/+/, "")}`, (c) => handle(c, deps, name, webhook, {}));
  }
  return app;
}

/** What a webhook request found out, for its metrics: the tenant's host once known. */
interface Seen {
  host?: string;
}

/** `handleWebhook`, counting each request by how it was answered. */
function countedWebhook(metrics: IncomingObserver, name: string, webhook: WebhookDefinition): typeof handleWebhook {
  return async (c, deps, _name, _webhook, seen) => {
    try {
      const response = await handleWebhook(c, deps, name, webhook, seen);
      metrics.webhook(seen.host ?? "", name, "accepted");
      return response;
    } catch (error) {
      metrics.webhook(seen.host ?? "", name, webhookOutcome(error));
      throw error;
    }
  };
}

/** The outcome a refused webhook request is counted under (see `WebhookOutcome`). */
function webhookOutcome(error: unknown): WebhookOutcome {
  if (isStorageUnavailable(error)) return "unavailable";
  const status = error instanceof HttpError || error instanceof HTTPException ? error.status : 500;
  if (status === 404) return "unknown_tenant";
  if (status === 401 || status === 403) return "refused";
  if (status === 413) return "too_large";
  if (status >= 400 && status < 500) return "invalid";
  return "error";
}

async function handleWebhook(c: Context<AppEnv>, deps: AppDeps, name: string, webhook: WebhookDefinition, seen: Seen) {
  const { runtime, logger, config } = deps;
  const params = c.req.param() as Record<string, string>;
  const tenant: Tenant | undefined = webhook.tenant
    ? await webhook.tenant(params)
    : await runtime.tenants.byPublicId(params.publicId ?? "");
  if (!tenant) throw new HttpError(404, "Unknown webhook");
  seen.host = tenant.host;
  // Built only when a line is written: a pino child per request is a measurable share of a webhook.
  const log = () => logger.child({ tenant: tenant.id, webhook: name });
  const body = await readBoundedBody(c, webhook.maxBytes ?? DEFAULT_WEBHOOK_LIMIT);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const request = webhookRequest({
    method: c.req.method,
    url: c.req.url,
    publicUrl: () => {
      const url = new URL(c.req.url);
      return runtime.publicUrl(url.pathname.slice(config.basePath.length).replace(/^\/+/, "")) + url.search;
    },
    params,
    headers: incoming?.headers ?? c.req.raw.headers,
    body,
  });

  const verdict = webhook.verify ? await webhook.verify(request, tenant) : true;
  if (verdict !== true) {
    const refusal = verdict === false ? REFUSED : verdict;
    log().warn({ event: "webhook.refused", status: refusal.status }, "webhook refused");
    throw new HttpError(refusal.status, refusal.message);
  }

  let parsed;
  try {
    parsed = await webhook.parse(request, tenant);
  } catch (error) {
    if (isStorageUnavailable(error)) throw error;
    if (error instanceof HttpError) throw error;
    // Nothing the channel sends is our 500: it would redeliver the same unreadable request forever.
    if (!(error instanceof WebhookInputError))
      log().error({ event: "webhook.unreadable", err: error }, "webhook could not be parsed");
    throw new HttpError(
      400,
      error instanceof WebhookInputError ? error.message : "The webhook request could not be read",
    );
  }

  // Webhooks arriving together share one commit; the answer waits for it (a 5xx if it failed).
  const stored = await deps.events.storeSoon(tenant, parsed.events);
  if (logger.isLevelEnabled("debug"))
    log().debug({ event: "webhook.received", events: parsed.events.length, ...stored }, "webhook");
  const reply = parsed.reply;
  // A string body (even empty) lets @hono/node-server answer from its lightweight Response; a null
  // one made it build a full WHATWG Response per webhook (the CORS headers are set on it).
  return new Response(reply?.body ?? "", { status: reply?.status ?? 200, headers: reply?.headers });
}
