/**
 * @module rest — calling a portal's REST API.
 */
export {
  Bitrix24RestClient,
  DEFAULT_REST_DEADLINE_MS,
  DEFAULT_QUERY_LIMIT_RETRIES,
  type RestAnswer,
  type RestTime,
  type RestClientOptions,
  type CallOptions,
} from "./rest-client.js";
export { batch, batchCommand, BATCH_LIMIT, type BatchCall, type BatchOutcome } from "./batch.js";
export { PortalRateLimiter, type PortalRateLimiterOptions } from "./portal-rate-limiter.js";
export { OperatingBlocks, DEFAULT_OPERATING_WAIT_MS } from "./operating-blocks.js";
export { PortalRefusedError, PortalRateLimitError, PortalUnreachableError, isTransientCode } from "./errors.js";
export type { CredentialSource, PortalCredentials } from "./credentials.js";
