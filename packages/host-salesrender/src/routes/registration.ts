/**
 * @module routes/registration — `PUT /registration` (§5.2), verifying before replacing anything.
 */
import { HttpError } from "@switchboard/core";
import { readBody } from "@switchboard/core/internal";
import { Hono } from "hono";
import type { RegistrationRefusal } from "../registrations.js";
import type { RouteDeps, RouteEnv } from "./context.js";

const REFUSALS = new Map<RegistrationRefusal, [status: number, message: string]>([
  // Says nothing about the registration in force, only that this issuer cannot replace it.
  ["foreign-issuer", [403, "Plugin is registered by another issuer"]],
  ["outdated", [409, "Registration token is older than the registration in force"]],
  ["replayed", [409, "Registration token was already used"]],
]);

/** Registers (or re-registers) a plugin instance from a CRM registration token. */
export function registrationRoutes(deps: RouteDeps): Hono<RouteEnv> {
  const { logger } = deps.runtime;
  const app = new Hono<RouteEnv>();
  app.put("/registration", async (c) => {
    const body = await readBody(c);
    const token = body.registration;
    if (typeof token !== "string" || token === "") throw new HttpError(401, "Registration token not found");
    const { claims, ref, issuer } = await deps.verifier.verify(token);
    if (!ref) throw new HttpError(403, "Registration token has no company or plugin");
    const hpt = claims.HPT ?? claims.LVPT;
    if (typeof hpt !== "string" || hpt === "") throw new HttpError(403, "Registration token has no HPT");
    const { country, currency, jti } = claims;
    if (typeof country !== "string" || typeof currency !== "string") {
      throw new HttpError(403, "Registration token has no country or currency");
    }
    if (jti !== undefined && (typeof jti !== "string" || jti === "")) {
      throw new HttpError(403, "Token claim is not valid: jti");
    }
    const result = await deps.registrations.register(ref, {
      hpt,
      clusterUri: String(claims.iss),
      country,
      currency,
      issuer,
      iat: claims.iat,
      jti,
    });
    if (!result.ok) {
      logger.warn(
        {
          event: "registration.refused",
          tenant: (await deps.registrations.byReference(ref))?.id,
          issuer,
          refusal: result.refusal,
        },
        "registration refused",
      );
      const [status, message] = REFUSALS.get(result.refusal)!;
      throw new HttpError(status, message);
    }
    const tenant = result.tenant.id;
    if (result.adoptedIssuer)
      logger.info({ event: "registration.pinned", tenant, issuer }, "registration pinned to its issuer");
    logger.info({ event: "registration.done", tenant }, "plugin registered");
    return c.json({ registered: true });
  });
  return app;
}
