/**
 * @module oauth — a portal's OAuth tokens: refresh on demand, one at a time, rotation persisted.
 */
export { NeedsReauthorisationError, OAuthRefusedError, OAuthUnreachableError } from "./errors.js";
export { refreshTokens, exchangeCode, type IssuedTokens, type OAuthClient } from "./token-endpoint.js";
export {
  PortalTokens,
  PortalNotInstalledError,
  type PortalTokensOptions,
  type PortalTokenStore,
  type StoredPortalTokens,
  type TokenLogger,
} from "./portal-tokens.js";
