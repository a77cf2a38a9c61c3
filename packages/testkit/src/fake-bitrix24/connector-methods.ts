/**
 * @module fake-bitrix24/connector-methods — `imconnector.register|unregister|list|activate|
 * connector.data.set|status`: the connector's registration and its state per open line.
 */
import type { FormValue } from "./form-codec.js";
import type { MethodContext, RestMethod } from "./method.js";
import { field, flag, integer, isRecord, param, requiredInteger, requiredText, text } from "./params.js";
import type { PortalState } from "./portal-state.js";
import { missingArgument, noProvider, notActiveLine } from "./rest-error.js";

/** Connectors every portal has built in (what `imconnector.list` shows besides the app's). */
const BUILT_IN: ReadonlyArray<[string, string]> = [
  ["livechat", "Live chat"],
  ["telegrambot", "Telegram"],
  ["network", "Bitrix24.Network"],
];

const app = (handle: RestMethod["handle"]): RestMethod => ({ scope: "imopenlines", appOnly: true, handle });

// register reports its validation errors inside a 200 answer, as Bitrix24 documents.
const refused = (error: string, description: string) => ({ result: false, error, error_description: description });

function register({ portal, params }: MethodContext): unknown {
  const rawId = text(param(params, "ID"));
  if (rawId === undefined) return refused("CONNECTOR_ID_REQUIRED", "Connector ID is not specified");
  const id = rawId.toLowerCase();
  if (id.includes("."))
    return refused(
      "APPLICATION_REGISTRATION_ERROR_POINT",
      "Application registration error. Using a dot in the connector identifier is not allowed",
    );
  if (!/^[a-z0-9_]+$/.test(id))
    return refused("GENERAL_CONNECTOR_REGISTRATION_ERROR", "General connector registration error");
  const name = text(param(params, "NAME"));
  if (name === undefined) return refused("NAME_REQUIRED", "Connector name is not specified");
  const icon = param(params, "ICON");
  if (text(field(icon, "DATA_IMAGE")) === undefined) return refused("ICON_REQUIRED", "Connector icon is not specified");
  const placementHandler = text(param(params, "PLACEMENT_HANDLER"));
  if (placementHandler === undefined) return refused("NO_PLACEMENT_HANDLER", "Failed to get embedding handler URL");
  const iconDisabled = param(params, "ICON_DISABLED");
  portal.connectors.set(id, {
    id,
    name,
    icon: icon ?? null,
    ...(iconDisabled !== undefined ? { iconDisabled } : {}),
    placementHandler,
    chatGroup: flag(param(params, "CHAT_GROUP"), false),
    needSignature: flag(param(params, "NEED_SIGNATURE"), true),
    params: { ...params },
  });
  return { result: true };
}

function unregister({ portal, params }: MethodContext): unknown {
  const id = text(param(params, "ID"))?.toLowerCase();
  if (id === undefined || !portal.connectors.delete(id)) {
    return refused("APPLICATION_UNREGISTRATION_ERROR", "Error unregistering the application");
  }
  for (const [key, state] of portal.connectorLines) if (state.connector === id) portal.connectorLines.delete(key);
  return { result: true };
}

/** The registered connector named by `CONNECTOR` and an existing `LINE`, or the documented errors. */
export function connectorOnLine(
  portal: PortalState,
  params: Record<string, FormValue>,
): { connector: string; line: number } {
  const connector = requiredText(params, "CONNECTOR").toLowerCase();
  const line = requiredInteger(params, "LINE");
  if (!portal.connectors.has(connector)) throw noProvider();
  if (!portal.lines.has(line)) throw notActiveLine();
  return { connector, line };
}

function activate({ portal, params }: MethodContext): unknown {
  const { connector, line } = connectorOnLine(portal, params);
  const active = param(params, "ACTIVE");
  if (active === undefined || active === null || active === "") throw missingArgument("ACTIVE");
  portal.connectorLine(connector, line).active = flag(active, false);
  return true;
}

function dataSet({ portal, params }: MethodContext): unknown {
  const { connector, line } = connectorOnLine(portal, params);
  const data = param(params, "DATA");
  if (!isRecord(data) || Object.keys(data).length === 0) throw missingArgument("DATA");
  const state = portal.connectorLine(connector, line);
  state.data = { ...data };
  state.connected = true;
  state.registered = true;
  return true;
}

function status({ portal, params }: MethodContext): unknown {
  const connector = requiredText(params, "CONNECTOR").toLowerCase();
  const line = integer(param(params, "LINE")) ?? 0;
  const state = portal.connectorLines.get(`${connector}\u0000${line}`);
  const configured = !!state && state.connected && state.registered;
  return {
    LINE: line,
    CONNECTOR: connector,
    ERROR: state?.error ?? false,
    CONFIGURED: configured,
    STATUS: configured && !!state?.active && !state.error && portal.lines.has(line),
  };
}

function list({ portal }: MethodContext): unknown {
  return Object.fromEntries([...BUILT_IN, ...[...portal.connectors.values()].map((c) => [c.id, c.name])]);
}

/** The connector methods by lower-cased name. */
export const connectorMethods: Record<string, RestMethod> = {
  "imconnector.register": app(register),
  "imconnector.unregister": app(unregister),
  "imconnector.list": app(list),
  "imconnector.activate": app(activate),
  "imconnector.connector.data.set": app(dataSet),
  "imconnector.status": app(status),
};
