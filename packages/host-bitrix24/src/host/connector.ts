/**
 * @module host/connector — the connector we register in a portal: its ID, icon and
 * `imconnector.register` parameters (b24restdocs `imconnector-register.md`), and the events we bind.
 */
import { translate, type Language } from "@switchboard/core";
import type { HostedGateway } from "./ports.js";

/** The connector ID for a gateway: `switchboard_<gateway name>` (Bitrix lower-cases IDs and allows `[a-z0-9_]`). */
export function connectorId(gatewayName: string): string {
  return `switchboard_${gatewayName.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

/**
 * The gateway's PNG icon as an SVG data URI, the form `ICON.DATA_IMAGE` takes
 * (`data:image/svg+xml,…`): the PNG is embedded as an `<image>` of the SVG.
 */
export function connectorIcon(png: Uint8Array): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 70 70" width="70" height="70">` +
    `<image width="70" height="70" href="data:image/png;base64,${Buffer.from(png).toString("base64")}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The events every install binds to `<SELF>bitrix24/events` (names as `event.bind` takes them). */
export const BOUND_EVENTS = [
  "OnImConnectorMessageAdd",
  "OnImConnectorMessageUpdate",
  "OnImConnectorMessageDelete",
  "OnImConnectorStatusDelete",
  "OnImConnectorLineDelete",
  "OnAppUninstall",
] as const;

/** `imconnector.register`'s parameters for a gateway. */
export function registerParams(gateway: HostedGateway, settingsUrl: string, language: Language) {
  return {
    ID: connectorId(gateway.name),
    NAME: translate(gateway.info.name, language).slice(0, 100),
    ICON: { DATA_IMAGE: connectorIcon(gateway.icon), COLOR: "#1f6fb2", SIZE: "90%", POSITION: "center" },
    PLACEMENT_HANDLER: settingsUrl,
    // A dialogue per customer (user.id) keeps Bitrix's CRM tracker; operators sign their replies.
    CHAT_GROUP: "N",
    NEED_SIGNATURE: "Y",
  };
}
