/**
 * @module @switchboard/core — the SalesRender CHAT plugin framework every Switchboard gateway stands on.
 */
export * from "./errors.js";
export * from "./i18n.js";
export * from "./env.js";
export * from "./protocol/chat.js";
export * from "./protocol/reference.js";
export {
  CrmTokenVerifier,
  signCrmRequest,
  referenceFromClaims,
  type CrmClaims,
  type VerifiedToken,
} from "./protocol/tokens.js";
export * from "./settings/form.js";
export { checkSettings, maskPasswords } from "./settings/validate.js";
export { withoutPasswords } from "./settings/redact-passwords.js";
export { ownEntry } from "./util/own-entry.js";
export * from "./gateway/types.js";
export { defineGateway } from "./gateway/define-gateway.js";
export {
  safeFetch,
  safeHead,
  safeStream,
  type SafeFetchOptions,
  type Downloaded,
  type DownloadStream,
} from "./net/safe-fetch.js";
export {
  guardedRequest,
  readAll,
  type GuardedRequestOptions,
  type GuardedResponse,
  type RequestBody,
  type Resolver,
} from "./net/guarded-request.js";
export { createGuardedFetch, type GuardedFetchOptions, type GuardedFetchInit } from "./net/guarded-fetch.js";
export { BodyTooLargeError, DEFAULT_BODY_LIMIT, readBoundedBody, readBoundedText } from "./http/bounded-body.js";
export { configureOutbound, outboundPolicy, type OutboundPolicy } from "./net/outbound-policy.js";
export { ByteBudget } from "./net/byte-budget.js";
export { isPrivateAddress } from "./net/address-policy.js";
export { declaredLength } from "./net/content-length.js";
export { createLogger } from "./logger.js";
export { openDatabase, type Database } from "./db/client.js";
export { isStorageUnavailable } from "./db/storage-health.js";
export { tenantColumns, tenantRows, type ReferenceColumns } from "./db/tenant-rows.js";
export { Keyring, SecretUnreadableError, isSealed, type SecretBox } from "./secrets/keyring.js";
export { SecretKey } from "./secrets/secret-key.js";
export { backoffDelay } from "./worker/backoff.js";
export { startGateway, type GatewayHandle, type StartGatewayOptions } from "./server/start-gateway.js";
export { runGateway, type GatewayEnvironment } from "./server/run-gateway.js";
export { DEFAULT_WEBHOOK_LIMIT } from "./webhooks/webhook-routes.js";
