/**
 * @module fake-bitrix24/event-methods — `event.bind|get|unbind`: which handler URLs the queue server
 * posts each event to.
 */
import type { MethodContext, RestMethod } from "./method.js";
import { param, requiredText, text } from "./params.js";
import { RestError } from "./rest-error.js";

/** The events the fake portal knows (upper-cased, as `event.get` lists them). */
export const KNOWN_EVENTS = new Set([
  "ONAPPINSTALL",
  "ONAPPUNINSTALL",
  "ONAPPUPDATE",
  "ONIMCONNECTORMESSAGEADD",
  "ONIMCONNECTORMESSAGEUPDATE",
  "ONIMCONNECTORMESSAGEDELETE",
  "ONIMCONNECTORSTATUSDELETE",
  "ONIMCONNECTORLINEDELETE",
  "ONIMCONNECTORDIALOGSTART",
  "ONIMCONNECTORDIALOGFINISH",
]);

function bind({ state, portal, params }: MethodContext): unknown {
  const event = requiredText(params, "event").toUpperCase();
  const handler = requiredText(params, "handler");
  if (!KNOWN_EVENTS.has(event)) throw new RestError(400, "ERROR_EVENT_NOT_FOUND", "Event not found");
  if (portal.bindings.some((b) => b.event === event && b.handler === handler)) {
    throw new RestError(400, "ERROR_HANDLER_ALREADY_BINDED", "Handler already binded");
  }
  portal.bindings.push({ id: state.id(), event, handler });
  return true;
}

function get({ portal }: MethodContext): unknown {
  return portal.bindings.map((b) => ({ event: b.event, handler: b.handler, auth_type: "0", offline: 0 }));
}

function unbind({ portal, params }: MethodContext): unknown {
  const event = text(param(params, "event"))?.toUpperCase();
  const handler = text(param(params, "handler"));
  let count = 0;
  for (let i = portal.bindings.length - 1; i >= 0; i--) {
    const b = portal.bindings[i]!;
    if ((event === undefined || b.event === event) && (handler === undefined || b.handler === handler)) {
      portal.bindings.splice(i, 1);
      count += 1;
    }
  }
  return { count };
}

/** The event methods by lower-cased name. */
export const eventMethods: Record<string, RestMethod> = {
  "event.bind": { scope: null, appOnly: true, handle: bind },
  "event.get": { scope: null, appOnly: true, handle: get },
  "event.unbind": { scope: null, appOnly: true, handle: unbind },
};
