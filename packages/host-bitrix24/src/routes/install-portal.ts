/**
 * @module routes/install-portal — `POST bitrix24/install`: a portal installs the app. Its tokens are
 * stored, then the connector is registered and the events bound, synchronously, so the answer says
 * whether the portal can use the connector. Two shapes arrive here: the `ONAPPINSTALL` event
 * (a market app's "installation event handler", or a local app that "uses API only") and the
 * placement-style form a local app's "initial installation path" gets (`AUTH_ID`, `REFRESH_ID`,
 * `member_id`, `APPLICATION_TOKEN`, the portal in the query's `DOMAIN` / `PROTOCOL`).
 */
import type { Language } from "@switchboard/core";
import { parseEvent } from "../events/parse-event.js";
import { EventInputError } from "../events/event-input-error.js";
import { languageOf } from "../host/language.js";
import type { PortalInstall } from "../store/portal-store.js";

/** What an install request told us. */
export interface InstallRequest {
  portal: PortalInstall;
  language: Language;
  /** The placement-style form: the answer is a page that finishes the install in the portal. */
  fromPlacement: boolean;
}

const DOMAIN = /^[a-z0-9.-]{1,253}(:\d{1,5})?$/i;

/**
 * Reads an install request; throws EventInputError (answer 400) when it is neither shape or lacks
 * what a portal needs (tokens, member_id, application token, a REST endpoint).
 */
export function readInstallRequest(body: string, query: URLSearchParams, now = Date.now()): InstallRequest {
  const form = new URLSearchParams(body);
  if (form.has("event")) {
    const event = parseEvent(body);
    if (event.event !== "ONAPPINSTALL") throw new EventInputError(`${event.event} is not an install event`);
    const auth = event.auth;
    const expiresAt = auth.expires !== undefined ? auth.expires * 1000 : now + (auth.expires_in ?? 3600) * 1000;
    return {
      portal: {
        memberId: auth.member_id,
        domain: auth.domain ?? new URL(auth.client_endpoint).host,
        clientEndpoint: auth.client_endpoint,
        serverEndpoint: auth.server_endpoint,
        accessToken: auth.access_token,
        refreshToken: auth.refresh_token,
        expiresAt,
        applicationToken: auth.application_token,
        scope: auth.scope,
        status: auth.status,
        languageId: event.data?.LANGUAGE_ID,
      },
      language: languageOf(event.data?.LANGUAGE_ID),
      fromPlacement: false,
    };
  }
  const field = (name: string) => {
    const value = form.get(name)?.trim();
    return value ? value.slice(0, 1000) : undefined;
  };
  const memberId = field("member_id");
  const accessToken = field("AUTH_ID");
  const refreshToken = field("REFRESH_ID");
  const applicationToken = field("APPLICATION_TOKEN");
  const domain = query.get("DOMAIN")?.trim();
  if (!memberId || !accessToken || !refreshToken || !applicationToken || !domain || !DOMAIN.test(domain)) {
    throw new EventInputError(
      "Not an install request: expected ONAPPINSTALL, or AUTH_ID, REFRESH_ID, member_id, APPLICATION_TOKEN and DOMAIN",
    );
  }
  const protocol = query.get("PROTOCOL") === "0" ? "http" : "https";
  const expiresIn = Number(field("AUTH_EXPIRES") ?? "3600");
  return {
    portal: {
      memberId,
      domain,
      clientEndpoint: `${protocol}://${domain}/rest/`,
      serverEndpoint: field("SERVER_ENDPOINT"),
      accessToken,
      refreshToken,
      expiresAt: now + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
      applicationToken,
      scope: field("APPLICATION_SCOPE"),
      status: field("status"),
      languageId: query.get("LANG") ?? undefined,
    },
    language: languageOf(query.get("LANG")),
    fromPlacement: true,
  };
}
