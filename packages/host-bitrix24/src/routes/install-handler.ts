/**
 * @module routes/install-handler — what an install does once its request is read: store the
 * portal's tokens, register the connector (`imconnector.register`) and bind our events
 * (`event.bind`, repeated on every install: b24restdocs says bindings must be renewed on updates).
 */
import { SwitchboardError, type Language } from "@switchboard/core";
import { BOUND_EVENTS, registerParams } from "../host/connector.js";
import type { HostContext } from "../host/host-context.js";
import { NeedsReauthorisationError, OAuthRefusedError } from "../oauth/errors.js";
import { refreshTokens } from "../oauth/token-endpoint.js";
import { PortalRefusedError } from "../rest/errors.js";
import type { PortalInstall } from "../store/portal-store.js";
import type { InstallRequest } from "./install-portal.js";
import { ROUTE_PATHS } from "./route-paths.js";

/** The connector was not registered: the portal said why. */
export class ConnectorRegistrationError extends PortalRefusedError {}

/**
 * The install's refresh token was not accepted by the OAuth server for our app and that portal:
 * the request did not come from the portal (anyone can post an ONAPPINSTALL), so nothing is stored.
 */
export class InstallNotProvenError extends SwitchboardError {
  readonly retryable = false;
}

/**
 * Stores the portal and sets the connector up in it. Throws the portal's refusal (named, with its
 * code) when a call fails; the tokens stay stored either way, so a retry of the install (or opening
 * the settings page) can finish it.
 */
export async function installPortal(host: HostContext, request: InstallRequest): Promise<void> {
  const { language } = request;
  const portal = await provenInstall(host, request.portal);
  await host.portals.install(portal);
  // Stored tokens changed under the keeper: it must read them again.
  host.rest.tokens.forget(portal.memberId);
  await registerConnector(host, portal.memberId, language);
  const handler = host.ports.publicUrl(ROUTE_PATHS.events);
  for (const event of BOUND_EVENTS) {
    try {
      await host.rest.client.call(portal.memberId, "event.bind", { event, handler });
    } catch (error) {
      // A reinstall finds the old binding in place: that is the state we want.
      if (error instanceof PortalRefusedError && error.code === "ERROR_HANDLER_ALREADY_BINDED") continue;
      throw error;
    }
  }
  await host.portals.recordError(portal.memberId, null);
  host.ports.logger.info({ event: "bitrix24.installed", memberId: portal.memberId }, "Bitrix24 portal installed");
}

/** `imconnector.register` (calling it again with the same ID updates the connector). */
export async function registerConnector(host: HostContext, memberId: string, language: Language): Promise<void> {
  const params = registerParams(host.ports.gateway, host.ports.publicUrl(ROUTE_PATHS.settings), language);
  const answer = await host.rest.client.call<unknown>(memberId, "imconnector.register", params);
  // Register reports validation errors inside a 200: {result: {result: false, error, error_description}}.
  const result = answer.result;
  if (result === true) return;
  if (result !== null && typeof result === "object" && (result as Record<string, unknown>).result === true) return;
  const record = (result ?? {}) as Record<string, unknown>;
  const code = typeof record.error === "string" ? record.error : "CONNECTOR_NOT_REGISTERED";
  const description = typeof record.error_description === "string" ? record.error_description.slice(0, 300) : "";
  throw new ConnectorRegistrationError(
    `Bitrix24 imconnector.register refused: ${code}${description ? ` (${description})` : ""}`,
    { code, status: 200, retryable: false },
  );
}

/**
 * Proves an install before it replaces anything: its refresh token is spent at the OAuth server with
 * our app's secret, which only works for a token Bitrix24 issued to our app, and the answer must name
 * the same portal. The fresh pair and the OAuth server's `client_endpoint` are what is stored, so a
 * forged ONAPPINSTALL can neither overwrite a portal's tokens and application token nor point its
 * REST calls elsewhere.
 */
async function provenInstall(host: HostContext, portal: PortalInstall): Promise<PortalInstall> {
  let issued;
  try {
    issued = await refreshTokens(host.oauth, portal.memberId, portal.refreshToken, { now: host.now });
  } catch (error) {
    if (error instanceof NeedsReauthorisationError || (error instanceof OAuthRefusedError && !error.retryable)) {
      throw new InstallNotProvenError("Bitrix24 did not accept this install's tokens for this app");
    }
    throw error;
  }
  if (issued.memberId !== portal.memberId) {
    throw new InstallNotProvenError("The install's tokens belong to another portal");
  }
  return {
    ...portal,
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: issued.expiresAt,
    clientEndpoint: issued.clientEndpoint || portal.clientEndpoint,
    scope: issued.scope ?? portal.scope,
  };
}
