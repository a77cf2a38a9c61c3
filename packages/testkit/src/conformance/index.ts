/**
 * @module conformance — the shared protocol suite every gateway's tests run.
 */
export { runConformanceSuite } from "./run-conformance-suite.js";
export { conformanceEnv, type ConformanceHarness, type TenantIndex } from "./harness.js";
export { CONFORMANCE_TENANTS, UNREGISTERED_TENANT } from "./suite-context.js";
