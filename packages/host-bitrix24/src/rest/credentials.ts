/**
 * @module rest/credentials — what the REST client needs to call a portal, and where it gets it
 * (the OAuth module's `PortalTokens`, or anything else that keeps a portal's tokens).
 */

/** A portal's REST address and the access token to call it with. */
export interface PortalCredentials {
  memberId: string;
  /** `client_endpoint`: `https://<portal>/rest/`. */
  clientEndpoint: string;
  accessToken: string;
}

/** Gives the REST client a portal's current credentials, and new ones when the portal rejects a token. */
export interface CredentialSource {
  /** The credentials to use now. */
  current(memberId: string, signal?: AbortSignal): Promise<PortalCredentials>;
  /**
   * The portal answered `expired_token` to `rejectedAccessToken`: credentials with a newer token
   * (refreshed once however many calls ask at the same time).
   */
  refreshed(memberId: string, rejectedAccessToken: string, signal?: AbortSignal): Promise<PortalCredentials>;
}
