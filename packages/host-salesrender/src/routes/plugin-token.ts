/**
 * @module routes/plugin-token — `X-PLUGIN-TOKEN` authentication of `/protected/*` routes (§3.3).
 */
import { HttpError, type Tenant } from "@switchboard/core";
import type { MiddlewareHandler } from "hono";
import type { RegistrationStore } from "../registrations.js";
import type { VerifiedToken } from "../tokens.js";
import type { RouteDeps, RouteEnv } from "./context.js";

/**
 * The registered tenant a verified token speaks for. A token from another issuer than the one
 * the tenant is pinned to gets the same answer as an unregistered plugin, so it learns nothing.
 */
export async function registeredTenant(registrations: RegistrationStore, token: VerifiedToken): Promise<Tenant> {
  const { ref, issuer } = token;
  const tenant = ref && (await registrations.byReference(ref));
  const registration = tenant && (await registrations.credentials(tenant.id));
  // A NULL issuer is a legacy row that has not adopted one yet: it keeps working as before.
  if (!tenant || !registration || (registration.issuer !== null && registration.issuer !== issuer)) {
    throw new HttpError(403, "Plugin was not registered");
  }
  return tenant;
}

/** Verifies X-PLUGIN-TOKEN and requires a plugin registered by the same issuer; sets `tenant` and `claims`. */
export function requirePluginToken(deps: Pick<RouteDeps, "verifier" | "registrations">): MiddlewareHandler<RouteEnv> {
  return async (c, next) => {
    const token = c.req.header("x-plugin-token");
    if (!token) throw new HttpError(401, "X-PLUGIN-TOKEN not found");
    const verified = await deps.verifier.verify(token);
    c.set("tenant", await registeredTenant(deps.registrations, verified));
    c.set("claims", verified.claims);
    await next();
  };
}

/** Settings routes also need the `settings` claim, and only the boolean `true` counts. */
export const requireSettingsAccess: MiddlewareHandler<RouteEnv> = async (c, next) => {
  if (c.get("claims").settings !== true) throw new HttpError(403, "Access to settings is not allowed");
  await next();
};
