/**
 * @module conformance — the shared protocol suite every gateway's tests run.
 */
export { runConformanceSuite, type ConformanceRuns } from "./run-conformance-suite.js";
export { CONFORMANCE_STORES, type ConformanceStore } from "./conformance-store.js";
export {
  conformanceEnv,
  type ChannelStatus,
  type ConformanceHarness,
  type CustomerFile,
  type SentFile,
  type TenantIndex,
  type WebhookAuthentication,
  type WebhookCredentials,
  type WebhookHarness,
  type WebhookPost,
} from "./harness.js";
export { CONFORMANCE_TENANTS, UNREGISTERED_TENANT } from "./suite-context.js";
export {
  CONFORMANCE_HOSTS,
  type ConformanceCrm,
  type ConformanceHost,
  type HeardStatus,
  type HostDifferences,
} from "./crm-side.js";
