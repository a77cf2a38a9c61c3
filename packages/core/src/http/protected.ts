/**
 * @module http/protected — `X-PLUGIN-TOKEN` authentication of `/protected/*` routes (§3.3).
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../errors.js";
import type { AppDeps, AppEnv } from "./context.js";

/** Verifies X-PLUGIN-TOKEN and requires a registered plugin; sets `ref` and `claims`. */
export function requirePluginToken(deps: Pick<AppDeps, "verifier" | "tenants">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = c.req.header("x-plugin-token");
    if (!token) throw new HttpError(401, "X-PLUGIN-TOKEN not found");
    const { claims, ref } = await deps.verifier.verify(token);
    if (!ref || !deps.tenants.get(ref)) throw new HttpError(403, "Plugin was not registered");
    c.set("ref", ref);
    c.set("claims", claims);
    await next();
  };
}

/** Settings routes also need a truthy `settings` claim. */
export const requireSettingsAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("claims").settings) throw new HttpError(403, "Access to settings is not allowed");
  await next();
};
