/**
 * @module http/routes/metrics — `GET /metrics` (Prometheus text format), mounted only when
 * `METRICS_TOKEN` is set and answered only to `Authorization: Bearer <METRICS_TOKEN>`.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import type { GatewayMetrics } from "../../metrics/gateway-metrics.js";
import { sameSecret } from "../../webhooks/same-secret.js";
import type { AppEnv } from "../context.js";

/** `GET /metrics` of a gateway's registry, behind the bearer token (compared in constant time). */
export function metricsRoutes(metrics: GatewayMetrics, token: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/metrics", async (c) => {
    const given = /^Bearer +(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    // Digests compared, so not even the token's length shows in the time the answer takes.
    if (given === undefined || !sameSecret(digest(given.trim()), digest(token))) {
      c.header("www-authenticate", 'Bearer realm="metrics"');
      return c.json({ code: 401, message: "Missing or wrong metrics token (Authorization: Bearer …)" }, 401);
    }
    const { contentType, body } = await metrics.render();
    c.header("cache-control", "no-store");
    return c.body(body, 200, { "content-type": contentType });
  });
  return app;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
