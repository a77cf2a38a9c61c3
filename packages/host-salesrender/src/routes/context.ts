/**
 * @module routes/context — the Hono environment of the SalesRender routes, and the parts they use.
 */
import type { HostRuntime, Language, Tenant } from "@switchboard/core";
import type { RegistrationStore } from "../registrations.js";
import type { CrmClaims, CrmTokenVerifier } from "../tokens.js";

/** Variables of a SalesRender request: core's language, and what the token check found. */
export interface RouteEnv {
  Variables: {
    language: Language;
    /** The registered tenant the request's token speaks for. */
    tenant: Tenant;
    claims: CrmClaims;
  };
}

/** What the SalesRender routes need. */
export interface RouteDeps {
  runtime: HostRuntime;
  verifier: CrmTokenVerifier;
  registrations: RegistrationStore;
}
