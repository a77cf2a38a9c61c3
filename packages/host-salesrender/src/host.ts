/**
 * @module host — the SalesRender CHAT plugin protocol as a host of core: its routes, its
 * registrations and the signed requests that deliver the outbox to the CRM.
 */
import { defineHost, type HostInstance } from "@switchboard/core";
import { Hono } from "hono";
import { createDeliver } from "./deliver.js";
import { readSalesRenderEnv, type SalesRenderEnv } from "./env.js";
import { PublicKeyStore } from "./public-keys.js";
import { SALESRENDER_HOST } from "./reference.js";
import { RegistrationStore } from "./registrations.js";
import type { RouteDeps, RouteEnv } from "./routes/context.js";
import { infoRoutes } from "./routes/info.js";
import { registrationRoutes } from "./routes/registration.js";
import { sendRoutes } from "./routes/send.js";
import { settingsRoutes } from "./routes/settings.js";
import { uploadRoutes } from "./routes/upload.js";
import { CrmTokenVerifier } from "./tokens.js";

/** The SalesRender host: `{ hosts: [salesrender] }` in an app's `runGateway` / `startGateway`. */
export const salesrender = defineHost<SalesRenderEnv, HostInstance>({
  name: SALESRENDER_HOST,
  readEnv: readSalesRenderEnv,
  async setup(runtime, env) {
    const registrations = new RegistrationStore(runtime.db, runtime.secrets, runtime.tenants);
    const pinned = await registrations.pinLegacyIssuers();
    if (pinned > 0)
      runtime.logger.info(
        { event: "registration.pinned_at_start", count: pinned },
        "pinned registrations to the issuer of their cluster URI",
      );
    const verifier = new CrmTokenVerifier({ selfUri: runtime.config.selfUri, ...env }, new PublicKeyStore(runtime.db));
    const deps: RouteDeps = { runtime, verifier, registrations };
    const routes = new Hono<RouteEnv>();
    routes.route("/", infoRoutes(runtime.gateway));
    routes.route("/", registrationRoutes(deps));
    // Before the settings routes: their `/protected/*` token check would otherwise run a second time.
    routes.route("/", uploadRoutes(deps));
    routes.route("/", settingsRoutes(deps));
    routes.route("/", sendRoutes(deps));
    return {
      routes,
      deliver: createDeliver({ config: runtime.config, registrations }),
      // Today's per-cluster cap: one CRM cluster answering slowly holds its share, no more.
      groupOf: async (tenant) => clusterOf((await registrations.credentials(tenant.id))?.clusterUri),
    };
  },
});

/** The origin of a CRM cluster URI (`""` when there is none). */
function clusterOf(uri: string | undefined): string {
  if (!uri) return "";
  try {
    return new URL(uri).origin;
  } catch {
    return uri;
  }
}
