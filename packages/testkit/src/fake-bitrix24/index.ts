/**
 * @module fake-bitrix24 — a fake Bitrix24 (portal REST API, OAuth server, queue server) on loopback
 * for tests and the sandbox (`@switchboard/testkit/bitrix24`, also exported from the package root).
 */
export { startFakeBitrix24, type FakeBitrix24, type FakeBitrix24Options, type PortalOptions } from "./fake-bitrix24.js";
export {
  type FakePortal,
  type AppUrls,
  type InstallResult,
  type SettingsAnswer,
  type OperatorSaid,
  type OperatorOptions,
  type MessageFilter,
} from "./portal-driver.js";
export type { EventAuthOptions } from "./event-payloads.js";
export type { OperatorFile } from "./served-files.js";
export { manualClock, type Clock, type ManualClock } from "./clock.js";
export { parseBracketForm, buildBracketForm, type FormObject, type FormValue } from "./form-codec.js";
export { batchCommand, BATCH_LIMIT } from "./batch.js";
export type { OAuthFault, PortalOutage, RestFault } from "./faults.js";
export type { RecordedCall, PostedEvent, ServedFile, CallTransport, AuthSource } from "./fake-state.js";
export type { TokenRequest } from "./oauth-server.js";
export type { RateLimit } from "./rate-bucket.js";
export type { TokenPair } from "./tokens.js";
export type {
  AppStatus,
  ConnectorRegistration,
  ConnectorLine,
  EventBinding,
  ReceivedFile,
  ReceivedMessage,
  Dialogue,
  OperatorMessage,
  DeliveryStatus,
  SystemMessage,
} from "./portal-state.js";
