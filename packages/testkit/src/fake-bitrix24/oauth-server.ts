/**
 * @module fake-bitrix24/oauth-server — `GET /oauth/token/` as oauth.bitrix.info answers it: the
 * `authorization_code` and `refresh_token` grants, rotating refresh tokens (a used one gives
 * `invalid_grant`), and the scripted refusals (`PAYMENT_REQUIRED`, `invalid_client`) and outages.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { FakeBitrix24State } from "./fake-state.js";
import type { TokenPair } from "./tokens.js";

type Ctx = Context<{ Bindings: HttpBindings }>;

/** One record of a token request (secrets left out). */
export interface TokenRequest {
  grantType: string | null;
  clientId: string | null;
  /** HTTP status answered (0 for a dropped connection). */
  status: number;
  error?: string;
  at: number;
}

// oauth.bitrix.info documents the error codes but not the HTTP statuses that carry them; these
// follow RFC 6749 (invalid_client 401, other grant errors 400, payment 402), so clients should read
// `error`, not the status.
type OAuthError = "invalid_request" | "invalid_client" | "invalid_grant" | "PAYMENT_REQUIRED";
const OAUTH_ERRORS = new Map<OAuthError, { status: number; description: string }>([
  ["invalid_request", { status: 400, description: "Invalid request" }],
  ["invalid_client", { status: 401, description: "Invalid client credentials" }],
  ["invalid_grant", { status: 400, description: "Invalid grant" }],
  ["PAYMENT_REQUIRED", { status: 402, description: "Payment required" }],
]);

/** The token answer's body. */
function tokenBody(state: FakeBitrix24State, baseUrl: string, pair: TokenPair, refreshed: boolean): object {
  const portal = state.portal(pair.memberId);
  return {
    access_token: pair.accessToken,
    ...(refreshed ? { expires: pair.expires } : {}),
    expires_in: pair.expiresIn,
    scope: portal.scope.join(","),
    domain: new URL(baseUrl).host,
    server_endpoint: `${baseUrl}/rest/`,
    status: portal.status,
    client_endpoint: `${baseUrl}/rest/`,
    member_id: pair.memberId,
    ...(refreshed ? { user_id: pair.userId } : {}),
    refresh_token: pair.refreshToken,
  };
}

/** Handles a token request against the fake's state. */
export function handleOAuthToken(c: Ctx, state: FakeBitrix24State, baseUrl: string, log: TokenRequest[]): Response {
  const q = new URL(c.req.url).searchParams;
  const entry: TokenRequest = {
    grantType: q.get("grant_type"),
    clientId: q.get("client_id"),
    status: 0,
    at: state.clock(),
  };
  log.push(entry);
  const fail = (error: OAuthError): Response => {
    const known = OAUTH_ERRORS.get(error)!;
    entry.status = known.status;
    entry.error = error;
    return c.json({ error, error_description: known.description }, known.status as 400);
  };
  const fault = state.faults.oauth;
  if (fault === "reset") {
    c.env.incoming.socket.destroy();
    return c.body(null, 500);
  }
  if (fault === "down") {
    entry.status = 503;
    return c.text("Service Unavailable", 503);
  }
  if (fault) return fail(fault);
  if (q.get("client_id") !== state.clientId || q.get("client_secret") !== state.clientSecret) {
    return fail("invalid_client");
  }
  let pair: TokenPair | null;
  const grantType = q.get("grant_type");
  if (grantType === "authorization_code") {
    const grant = state.tokens.redeemCode(q.get("code") ?? "");
    pair = grant ? state.tokens.issue(grant) : null;
  } else if (grantType === "refresh_token") {
    pair = state.tokens.rotate(q.get("refresh_token") ?? "");
  } else {
    return fail("invalid_request");
  }
  if (!pair || !state.portals.get(pair.memberId)?.installed) return fail("invalid_grant");
  entry.status = 200;
  return c.json(tokenBody(state, baseUrl, pair, grantType === "refresh_token"));
}
