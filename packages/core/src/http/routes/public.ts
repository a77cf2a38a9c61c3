/**
 * @module http/routes/public — unauthenticated routes of every host: /robots.txt, health.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../context.js";

/** `/robots.txt`: nothing here is for crawlers. */
export function publicRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/robots.txt", (c) => c.text("User-agent: *\nDisallow: /"));
  return app;
}

/** `/healthz` (the process answers) and `/readyz` (database open, worker running). */
export function healthRoutes(deps: Pick<AppDeps, "isReady">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) =>
    deps.isReady() ? c.json({ status: "ready" }) : c.json({ code: 503, message: "Not ready" }, 503),
  );
  return app;
}
