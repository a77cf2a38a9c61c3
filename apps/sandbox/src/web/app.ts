/**
 * @module web/app — the sandbox's Hono app: pages, the inbox API, the customers' APIs, uploaded
 * files and the live event stream. Built here, served by the sandbox.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { addFileRoutes } from "./file-routes.js";
import { addInboxRoutes } from "./inbox-routes.js";
import { liveStream } from "./live-hub.js";
import { addPortalRoutes } from "./portal-routes.js";
import { problemResponse } from "./problems.js";
import type { SandboxServices } from "./services.js";
import { addStaticRoutes } from "./static-routes.js";

/** Uploads above this size are refused with 413 (Telegram's own limit for bots is 50 MB). */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Builds the app (no listening here). */
export function createSandboxApp(services: SandboxServices): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ code: 413, message: "The file is too large for the sandbox (25 MB at most)" }, 413),
  });
  app.use("/api/*", limit);
  app.use("/bitrix24/*", limit);
  addStaticRoutes(app, services.channels);
  addInboxRoutes(app, services);
  services.addCustomerRoutes(app);
  addPortalRoutes(app, services);
  addFileRoutes(app, services);
  app.get("/api/live", liveStream(services.hub));
  app.notFound((c) => c.json({ code: 404, message: `Not found: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => problemResponse(error, c));
  return app;
}
