/**
 * @module http/routes/settings — the settings form and data (§5.4), autocompletes and previews (§5.5).
 */
import { Hono } from "hono";
import { HttpError, SettingsValidationError } from "../../errors.js";
import { renderForm } from "../../settings/form.js";
import { checkSettings, maskPasswords } from "../../settings/validate.js";
import { withoutPasswords } from "../../settings/redact-passwords.js";
import { ownEntry } from "../../util/own-entry.js";
import type { AppDeps, AppEnv } from "../context.js";
import { readBody } from "../bounded-body.js";
import { requirePluginToken, requireSettingsAccess } from "../protected.js";

/** `/protected/*` routes. */
export function settingsRoutes(deps: AppDeps): Hono<AppEnv> {
  const { gateway, instance, tenants } = deps;
  const app = new Hono<AppEnv>();
  app.use("/protected/*", requirePluginToken(deps));
  app.use("/protected/forms/settings", requireSettingsAccess);
  app.use("/protected/data/settings", requireSettingsAccess);

  app.get("/protected/forms/settings", (c) => c.json(renderForm(gateway.settings, c.get("language"))));

  app.get("/protected/data/settings", (c) => {
    const data = maskPasswords(gateway.settings, tenants.settings(c.get("tenant").id));
    // PHP serialises empty data as [], and the CRM is used to that.
    return c.json(Object.keys(data).length ? data : []);
  });

  app.put("/protected/data/settings", async (c) => {
    const tenant = c.get("tenant");
    const body = await readBody(c);
    const previous = tenants.settings(tenant.id);
    const checked = checkSettings(gateway.settings, body, previous, c.get("language"));
    if (!checked.ok) throw new SettingsValidationError(checked.errors);
    await instance.verifySettings?.({
      tenant,
      settings: checked.data,
      previous,
      language: c.get("language"),
    });
    tenants.saveSettings(tenant.id, checked.data);
    try {
      await instance.settingsSaved?.(tenants.byId(tenant.id)!);
    } catch (error) {
      deps.logger.warn({ err: error }, "settingsSaved hook failed");
    }
    return c.json(maskPasswords(gateway.settings, checked.data));
  });

  app.get("/protected/autocomplete/:name", async (c) => {
    const complete = ownEntry(instance.autocompletes, c.req.param("name"));
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
    const entry = ownEntry(instance.previews, c.req.param("name"));
    if (!entry) throw new HttpError(404, "Preview not found");
    const render = typeof entry === "function" ? entry : entry.render;
    if (typeof entry !== "function" && entry.settingsAccess && c.get("claims").settings !== true) {
      throw new HttpError(403, "Access to settings is not allowed");
    }
    const tenant = c.get("tenant");
    const settings = tenants.settings(tenant.id);
    const markdown = await render(tenants.byId(tenant.id), {
      tenantId: tenant.id,
      settings,
      language: c.get("language"),
      dep: jsonParam(c.req.query("dep")),
      context: jsonParam(c.req.query("context")),
    });
    if (typeof markdown !== "string") throw new Error("A markdown preview rendered something that is not text");
    // The PHP form component's markdown preview answers {markdown}; the CRM shows that key.
    return c.json({ markdown: withoutPasswords(markdown, gateway.settings, settings, deps.logger) });
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
