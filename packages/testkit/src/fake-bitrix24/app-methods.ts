/**
 * @module fake-bitrix24/app-methods — `app.info`: the app's status and whether its install finished.
 */
import type { MethodContext, RestMethod } from "./method.js";
import { RestError } from "./rest-error.js";

function info({ state, portal }: MethodContext): unknown {
  return {
    ID: 1,
    CODE: state.clientId,
    VERSION: 1,
    STATUS: portal.status,
    INSTALLED: portal.installed,
    PAYMENT_EXPIRED: "N",
    DAYS: null,
    LANGUAGE_ID: portal.languageId,
    LICENSE: `${portal.languageId}_project`,
    LICENSE_TYPE: "project",
    LICENSE_FAMILY: "project",
  };
}

/** `app.info` (a `basic` method; outside an app context Bitrix24 answers `400 ACCESS_DENIED`). */
export const appMethods: Record<string, RestMethod> = {
  "app.info": {
    scope: null,
    appOnly: true,
    outsideApp: () => new RestError(400, "ACCESS_DENIED", "Access denied! Application context required"),
    handle: info,
  },
};
