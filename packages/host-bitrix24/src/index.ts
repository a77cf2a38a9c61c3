/**
 * @module @switchboard/host-bitrix24 — the Bitrix24 Open Lines host: its configuration, the events
 * a portal posts, BB-codes to and from the gateways' formats, and the messages we send back.
 * The seam wiring (routes, outbox delivery) comes with core's host contract.
 */
export * from "./env.js";
export * from "./events/index.js";
export * from "./format/index.js";
export * from "./messages/index.js";
export * from "./rest/index.js";
export * from "./oauth/index.js";
export { realTimers, manualTimers, type Timers, type ManualTimers } from "./time/timers.js";
export { createBitrix24Rest, type Bitrix24Rest } from "./bitrix24-rest.js";
export { bitrix24Portals, bitrix24Lines, bitrix24Tables, SECRET_COLUMNS } from "./db/schema.js";
export { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./db/migrations.js";
export * from "./store/portal-store.js";
export * from "./store/line-store.js";
export * from "./settings/form-token.js";
export { createBitrix24Host, type Bitrix24HostParts, type CreateHostOptions } from "./host/create-host.js";
export type { HostPorts, HostedGateway, LineTenant } from "./host/ports.js";
export { connectorId, connectorIcon } from "./host/connector.js";
export { lineKey, parseLineKey } from "./host/host-context.js";
export { ROUTE_PATHS } from "./routes/route-paths.js";
export * from "./delivery/delivery-errors.js";
export { bitrix24 } from "./host/bitrix24-host.js";
