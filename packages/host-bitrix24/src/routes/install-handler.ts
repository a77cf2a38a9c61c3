/**
 * @module routes/install-handler — what an install does once its request is read: store the
 * portal's tokens, register the connector (`imconnector.register`) and bind our events
 * (`event.bind`, repeated on every install: b24restdocs says bindings must be renewed on updates).
 */
import type { Language } from "@switchboard/core";
import { BOUND_EVENTS, registerParams } from "../host/connector.js";
import type { HostContext } from "../host/host-context.js";
import { PortalRefusedError } from "../rest/errors.js";
import type { InstallRequest } from "./install-portal.js";
import { ROUTE_PATHS } from "./route-paths.js";

/** The connector was not registered: the portal said why. */
export class ConnectorRegistrationError extends PortalRefusedError {}

/**
 * Stores the portal and sets the connector up in it. Throws the portal's refusal (named, with its
 * code) when a call fails; the tokens stay stored either way, so a retry of the install (or opening
 * the settings page) can finish it.
 */
export async function installPortal(host: HostContext, request: InstallRequest): Promise<void> {
  const { portal, language } = request;
  host.portals.install(portal);
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
  host.portals.recordError(portal.memberId, null);
  host.ports.logger.info({ tenant: `bitrix24:${portal.memberId}` }, "Bitrix24 portal installed");
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
