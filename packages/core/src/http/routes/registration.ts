/**
 * @module http/routes/registration — `PUT /registration` (§5.2), verifying before replacing anything.
 */
import { Hono } from "hono";
import { HttpError } from "../../errors.js";
import type { AppDeps, AppEnv } from "../context.js";
import { readBody } from "../errors.js";

/** Registers (or re-registers) a plugin instance from a CRM registration token. */
export function registrationRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put("/registration", async (c) => {
    const body = await readBody(c);
    const token = body.registration;
    if (typeof token !== "string" || token === "") throw new HttpError(401, "Registration token not found");
    const { claims, ref } = await deps.verifier.verify(token);
    if (!ref) throw new HttpError(403, "Registration token has no company or plugin");
    const hpt = claims.HPT ?? claims.LVPT;
    if (typeof hpt !== "string" || hpt === "") throw new HttpError(403, "Registration token has no HPT");
    const { country, currency } = claims;
    if (typeof country !== "string" || typeof currency !== "string") {
      throw new HttpError(403, "Registration token has no country or currency");
    }
    deps.tenants.register(ref, { hpt, clusterUri: String(claims.iss), country, currency });
    deps.logger.info({ tenant: `${ref.companyId}/${ref.pluginAlias}/${ref.pluginId}` }, "plugin registered");
    return c.json({ registered: true });
  });
  return app;
}
