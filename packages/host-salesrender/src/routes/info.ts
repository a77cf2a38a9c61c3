/**
 * @module routes/info — `/info` (the plugin's description, §9) and `/icon.png`, unauthenticated.
 */
import { DEFAULT_LANGUAGE, LANGUAGES, translate, type AnyGateway } from "@switchboard/core";
import { Hono } from "hono";
import type { RouteEnv } from "./context.js";

const DEFAULT_DEVELOPER = { name: "Switchboard", email: "switchboard@example.org", hostname: "github.com" };

/** The capabilities as §9 spells them: edit and delete are for hosts that relay them, not part of this wire. */
function wireCapabilities(capabilities: AnyGateway["capabilities"]): AnyGateway["capabilities"] {
  const { edit: _edit, delete: _delete, ...messages } = capabilities.messages;
  return { ...capabilities, messages };
}

/** `/info` and `/icon.png` of the gateway. */
export function infoRoutes(gateway: AnyGateway): Hono<RouteEnv> {
  const app = new Hono<RouteEnv>();
  app.get("/info", (c) => {
    const language = c.get("language");
    const developer = gateway.info.developer ?? DEFAULT_DEVELOPER;
    return c.json({
      name: translate(gateway.info.name, language),
      description: translate(gateway.info.description, language),
      type: "CHAT",
      extra: { contactType: gateway.contactType, capabilities: wireCapabilities(gateway.capabilities) },
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
  return app;
}
