/**
 * @module routes/settings — the settings form and data (§5.4), autocompletes and previews (§5.5).
 */
import { HttpError, ownEntry } from "@switchboard/core";
import { readBody, renderForm, withoutPasswords } from "@switchboard/core/internal";
import { Hono } from "hono";
import type { RouteDeps, RouteEnv } from "./context.js";
import { requirePluginToken, requireSettingsAccess } from "./plugin-token.js";

/** `/protected/*` routes. */
export function settingsRoutes(deps: RouteDeps): Hono<RouteEnv> {
  const { gateway, ui, tenants, settings, logger } = deps.runtime;
  const app = new Hono<RouteEnv>();
  app.use("/protected/*", requirePluginToken(deps));
  app.use("/protected/forms/settings", requireSettingsAccess);
  app.use("/protected/data/settings", requireSettingsAccess);

  app.get("/protected/forms/settings", (c) => c.json(renderForm(gateway.settings, c.get("language"))));

  app.get("/protected/data/settings", async (c) => {
    const data = await settings.masked(c.get("tenant"));
    // PHP serialises empty data as [], and the CRM is used to that.
    return c.json(Object.keys(data).length ? data : []);
  });

  app.put("/protected/data/settings", async (c) => {
    const body = await readBody(c);
    return c.json(await settings.save(c.get("tenant"), body, c.get("language")));
  });

  app.get("/protected/autocomplete/:name", async (c) => {
    const complete = ownEntry(ui.autocompletes, c.req.param("name"));
    if (!complete) throw new HttpError(404, "Autocomplete not found");
    const many = c.req.queries("query[]");
    const query = many ?? c.req.query("query");
    if (query === undefined) throw new HttpError(400, "Parameter query is required");
    return c.json(
      (await complete({
        tenant: c.get("tenant"),
        query,
        dep: jsonParam(c.req.query("dep")),
        context: jsonParam(c.req.query("context")),
      })) ?? [],
    );
  });

  app.get("/protected/preview/markdown/:name", async (c) => {
    const entry = ownEntry(ui.previews, c.req.param("name"));
    if (!entry) throw new HttpError(404, "Preview not found");
    const render = typeof entry === "function" ? entry : entry.render;
    if (typeof entry !== "function" && entry.settingsAccess && c.get("claims").settings !== true) {
      throw new HttpError(403, "Access to settings is not allowed");
    }
    const tenant = await tenants.byId(c.get("tenant").id);
    const stored = tenant?.settings ?? {};
    const markdown = await render(tenant, {
      tenantId: c.get("tenant").id,
      settings: stored,
      language: c.get("language"),
      dep: jsonParam(c.req.query("dep")),
      context: jsonParam(c.req.query("context")),
    });
    if (typeof markdown !== "string") throw new Error("A markdown preview rendered something that is not text");
    // The PHP form component's markdown preview answers {markdown}; the CRM shows that key.
    return c.json({ markdown: withoutPasswords(markdown, gateway.settings, stored, logger) });
  });
  return app;
}

function jsonParam(value: string | undefined): unknown {
  if (value === undefined || value === "") return [];
  try {
    return JSON.parse(value);
  } catch {
    throw new HttpError(400, "Parameter is not valid JSON");
  }
}
