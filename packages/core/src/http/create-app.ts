/**
 * @module http/create-app — the gateway's Hono app: core routes plus the gateway's own, under the
 * path of LV_PLUGIN_SELF_URI. Building it does not listen, so tests can use `app.request()`.
 */
import { Hono } from "hono";
import { HttpError } from "../errors.js";
import { negotiateLanguage } from "../i18n.js";
import type { AppDeps, AppEnv } from "./context.js";
import { cors } from "./cors.js";
import { errorHandler, MAX_BODY_BYTES } from "./errors.js";
import { fileRoutes } from "./routes/files.js";
import { healthRoutes, publicRoutes } from "./routes/public.js";
import { registrationRoutes } from "./routes/registration.js";
import { sendRoutes } from "./routes/send.js";
import { settingsRoutes } from "./routes/settings.js";
import { uploadRoutes } from "./routes/upload.js";

/** Builds the complete HTTP app of a gateway. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const root = new Hono<AppEnv>();
  const uploadPrefix = `${deps.config.basePath}/protected/upload`;
  root.use("*", cors);
  // Checked on the header only: hono's bodyLimit touches the body, which makes the Node adapter
  // build a full Request per call; readBody enforces the same bound on bodies without a length.
  root.use("*", async (c, next) => {
    // Uploads read their body with their own, explicit limit (SWITCHBOARD_UPLOAD_LIMITS).
    if (c.req.path.startsWith(uploadPrefix)) return next();
    if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) {
      throw new HttpError(413, "Request body is too large");
    }
    await next();
  });
  root.use("*", async (c, next) => {
    c.set("language", negotiateLanguage(c.req.header("accept-language")));
    await next();
  });
  root.onError(errorHandler(deps.logger, deps.config.debug, (error) => deps.storage?.failed(error)));
  root.notFound((c) => c.json({ code: 404, message: "Not found." }, 404));

  const base = deps.config.basePath;
  const app = base ? root.basePath(base) : root;
  app.route("/", publicRoutes(deps));
  app.route("/", healthRoutes(deps));
  app.route("/", registrationRoutes(deps));
  // Before the settings routes: their `/protected/*` token check would otherwise run a second time.
  app.route("/", uploadRoutes(deps));
  app.route("/", settingsRoutes(deps));
  app.route("/", sendRoutes(deps));
  app.route("/", fileRoutes(deps));
  // Probes usually hit the root, whatever path the CRM reaches us under.
  if (base) root.route("/", healthRoutes(deps));
  deps.gateway.routes?.(app as unknown as Hono, deps.runtime);
  return root;
}
