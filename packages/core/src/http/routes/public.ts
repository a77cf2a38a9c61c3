/**
 * @module http/routes/public — unauthenticated routes: /info, /icon.png, /robots.txt, health.
 */
import { Hono } from "hono";
import { LANGUAGES, DEFAULT_LANGUAGE, translate } from "../../i18n.js";
import type { AppDeps, AppEnv } from "../context.js";

const DEFAULT_DEVELOPER = { name: "Switchboard", email: "switchboard@example.org", hostname: "github.com" };

/** `/info` and friends. */
export function publicRoutes(deps: AppDeps): Hono<AppEnv> {
  const { gateway } = deps;
  const app = new Hono<AppEnv>();
  app.get("/info", (c) => {
    const language = c.get("language");
    const developer = gateway.info.developer ?? DEFAULT_DEVELOPER;
    return c.json({
      name: translate(gateway.info.name, language),
      description: translate(gateway.info.description, language),
      type: "CHAT",
      extra: { contactType: gateway.contactType, capabilities: gateway.capabilities },
      languages: { current: language, default: DEFAULT_LANGUAGE, available: [...LANGUAGES] },
      developer: {
        name: developer.name,
        email: developer.email.toLowerCase(),
        hostname: developer.hostname
          .toLowerCase()
          .replace(/^[a-z]+:\/\//, "")
          .replace(/\/+$/, ""),
      },
    });
  });
  app.get("/icon.png", (c) =>
    c.body(gateway.icon as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "image/png",
      "cache-control": "public, max-age=86400",
    }),
  );
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
