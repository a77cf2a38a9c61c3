/**
 * @module routes/routes — the host's HTTP routes under LV_PLUGIN_SELF_URI: `POST bitrix24/install`,
 * `POST bitrix24/settings`, `POST bitrix24/events` (issue 13's contract names). Bodies are bounded;
 * a body that is not what the route takes is a 400 `{code, message}`, never a 5xx.
 */
import { isStorageUnavailable, SwitchboardError } from "@switchboard/core";
import { BodyTooLargeError, readBoundedText } from "@switchboard/core/internal";
import { Hono, type Context } from "hono";
import { EventInputError } from "../events/event-input-error.js";
import type { HostContext } from "../host/host-context.js";
import { PortalRefusedError } from "../rest/errors.js";
import { handleEvent } from "./events-handler.js";
import { installPortal, InstallNotProvenError } from "./install-handler.js";
import { ROUTE_PATHS } from "./route-paths.js";
import { readInstallRequest } from "./install-portal.js";
import { jsonError } from "./json-error.js";
import { handleSettings } from "./settings-handler.js";

/** Events and forms are small: a message event with 100 files is far below this. */
export const ROUTE_BODY_LIMIT = 1024 * 1024;

/** The host's routes, to mount under LV_PLUGIN_SELF_URI's path. */
export function bitrix24Routes(host: HostContext): Hono {
  const app = new Hono();

  app.post(`/${ROUTE_PATHS.install}`, async (c) => {
    const body = await readBoundedText(c, ROUTE_BODY_LIMIT);
    const request = readInstallRequest(body, new URL(c.req.url).searchParams, host.now());
    try {
      await installPortal(host, request);
    } catch (error) {
      if (error instanceof InstallNotProvenError) return jsonError(c, 401, "unauthorized", error.message);
      if (!(error instanceof SwitchboardError)) throw error;
      // The tokens are stored: installing again (or a retry by the portal) finishes the setup.
      await host.portals.recordError(request.portal.memberId, error.message);
      const refused = error instanceof PortalRefusedError && !error.retryable;
      return jsonError(c, refused ? 502 : 503, refused ? "portal_refused" : "portal_unavailable", error.message);
    }
    return c.json({ installed: true, connector: host.connector });
  });

  app.post(`/${ROUTE_PATHS.settings}`, async (c) => {
    const body = await readBoundedText(c, ROUTE_BODY_LIMIT);
    const answer = await handleSettings(host, body, new URL(c.req.url).searchParams);
    if (answer.kind === "refused") return jsonError(c, answer.status, answer.code, answer.message);
    return c.body(answer.html, 200, answer.headers);
  });

  app.post(`/${ROUTE_PATHS.events}`, async (c) => {
    const body = await readBoundedText(c, ROUTE_BODY_LIMIT);
    const answer = await handleEvent(host, body);
    return c.json(answer.body, answer.status);
  });

  app.onError((error, c) => answerError(host, error, c));
  return app;
}

function answerError(host: HostContext, error: Error, c: Context): Response {
  if (error instanceof EventInputError) return jsonError(c, 400, "bad_request", error.message);
  if (error instanceof BodyTooLargeError) return jsonError(c, 413, "too_large", "The body is too large");
  if (isStorageUnavailable(error)) {
    c.header("retry-after", "1");
    return jsonError(c, 503, "storage_unavailable", "Storage is busy; try again");
  }
  host.ports.logger.error({ event: "bitrix24.route_failed", err: error }, "Bitrix24 route failed");
  return jsonError(c, 500, "internal_error", "Internal error");
}
