/**
 * @module http/create-app — the gateway's Hono app: core routes, each host's routes and the
 * gateway's declared webhooks, under the path of LV_PLUGIN_SELF_URI. Building it does not listen, so tests can use `app.request()`.
 */
import { Hono } from "hono";
import { negotiateLanguage } from "../i18n.js";
import type { AppDeps, AppEnv } from "./context.js";
import { cors } from "./cors.js";
import { errorHandler } from "./errors.js";
import { fileRoutes } from "./routes/files.js";
import { metricsRoutes } from "./routes/metrics.js";
import { healthRoutes, publicRoutes } from "./routes/public.js";
import { webhookRoutes } from "../webhooks/webhook-routes.js";

/** Builds the complete HTTP app of a gateway. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const root = new Hono<AppEnv>();
  root.use("*", cors);
  // No body limit here: each route reads its body with readBoundedBody and its own limit (core's
  // 10 MiB, email's 25 MiB raw-MIME webhook, a gateway's small webhooks), which refuses a declared
  // Content-Length over it before reading and counts the bytes of every other body as they arrive.
  root.use("*", async (c, next) => {
    c.set("language", negotiateLanguage(c.req.header("accept-language")));
    await next();
  });
  root.onError(errorHandler(deps.logger, deps.config.debug, (error) => deps.storage?.failed(error)));
  root.notFound((c) => c.json({ code: 404, message: "Not found." }, 404));

  const base = deps.config.basePath;
  const app = base ? root.basePath(base) : root;
  app.route("/", publicRoutes());
  app.route("/", healthRoutes(deps));
  const metrics =
    deps.metrics && deps.config.metricsToken ? metricsRoutes(deps.metrics, deps.config.metricsToken) : undefined;
  if (metrics) app.route("/", metrics);
  for (const host of deps.hosts.values()) if (host.routes) app.route("/", host.routes);
  app.route("/", fileRoutes(deps));
  app.route("/", webhookRoutes(deps, deps.instance));
  // Probes usually hit the root, whatever path the CRM reaches us under.
  if (base) root.route("/", healthRoutes(deps));
  // Scrapers too.
  if (base && metrics) root.route("/", metrics);
  return root;
}
