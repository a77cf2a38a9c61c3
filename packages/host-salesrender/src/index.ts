/**
 * @module @switchboard/host-salesrender — the SalesRender CHAT plugin protocol as a host of core:
 * `salesrender` goes into an app's `hosts`; the rest is the protocol for tests and tools.
 */
export { salesrender } from "./host.js";
export { readSalesRenderEnv, type SalesRenderEnv } from "./env.js";
export { SALESRENDER_HOST, salesRenderTenantKey, type PluginReference } from "./reference.js";
export { parseChatMessage, SEND_ERRORS, type ParseResult } from "./chat-message.js";
export { CrmTokenVerifier, referenceFromClaims, signCrmRequest, type CrmClaims, type VerifiedToken } from "./tokens.js";
export { taskAttempt, type TaskAttempt } from "./task-attempt.js";
export { NotRegisteredError } from "./errors.js";
export {
  RegistrationStore,
  type RegistrationInput,
  type RegistrationRefusal,
  type RegistrationResult,
} from "./registrations.js";
export { registeredTenant } from "./routes/plugin-token.js";
