/**
 * @module http/cors — the CORS headers of the PHP framework on every answer, and OPTIONS preflight.
 */
import type { MiddlewareHandler } from "hono";

const HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, OPTIONS",
};

/** Adds CORS headers to every response (errors included) and answers OPTIONS with 200. */
export const cors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "OPTIONS") {
    return new Response(null, { status: 200, headers: HEADERS });
  }
  await next();
  for (const [k, v] of Object.entries(HEADERS)) c.res.headers.set(k, v);
};
