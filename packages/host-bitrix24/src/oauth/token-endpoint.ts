/**
 * @module oauth/token-endpoint — the OAuth server's `GET /oauth/token/` (b24restdocs
 * `settings/oauth/auto-renewal.md` and `index.md`): the `refresh_token` grant, which answers a new
 * pair and makes the old refresh token unusable, and the `authorization_code` grant of the full
 * OAuth flow. The documented request is a GET with the parameters in the query, the client secret
 * included; the URL is therefore never logged or put into an error message.
 */
import { guardedRequest, readAll, FetchError } from "@switchboard/core";
import { z } from "zod";
import { NeedsReauthorisationError, OAuthRefusedError, OAuthUnreachableError } from "./errors.js";

/** Where and as whom we ask for tokens. */
export interface OAuthClient {
  /** `BITRIX24_OAUTH_URL`, no trailing slash. */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  deadlineMs: number;
  allowPrivate?: boolean;
}

/** A new pair of tokens from the OAuth server. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  memberId: string;
  clientEndpoint: string;
  scope: string | undefined;
}

const answerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  expires: z.coerce.number().positive().optional(),
  member_id: z.string().min(1),
  client_endpoint: z.string().url(),
  scope: z.string().optional(),
});

async function tokenRequest(
  client: OAuthClient,
  grant: Record<string, string>,
  memberId: string,
  signal: AbortSignal | undefined,
  now: () => number,
): Promise<IssuedTokens> {
  const query = new URLSearchParams({ ...grant, client_id: client.clientId, client_secret: client.clientSecret });
  const what = "Bitrix24 OAuth token request";
  let status: number;
  let text: string;
  try {
    const res = await guardedRequest(`${client.oauthUrl}/oauth/token/?${query}`, {
      method: "GET",
      headers: { accept: "application/json" },
      deadlineMs: client.deadlineMs,
      what,
      ...(signal ? { signal } : {}),
      ...(client.allowPrivate !== undefined ? { allowPrivate: client.allowPrivate } : {}),
    });
    status = res.status;
    text = (await readAll(res, 1024 * 1024, what)).toString("utf8");
  } catch (error) {
    if (error instanceof FetchError && !error.retryable) {
      throw new OAuthRefusedError(`${what}: ${error.message}`, "BAD_OAUTH_URL", 0);
    }
    throw new OAuthUnreachableError(`${what}: ${(error as Error).message}`, { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthUnreachableError(`${what}: the OAuth server answered ${status} without a JSON body`);
  }
  const record = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (typeof record.error === "string") {
    // invalid_grant: "Invalid authorization tokens were provided ... during renewal" (error-codes.md).
    if (record.error === "invalid_grant") throw new NeedsReauthorisationError(memberId);
    throw new OAuthRefusedError(
      `${what}: the OAuth server refused (${record.error.slice(0, 100)})`,
      record.error,
      status,
    );
  }
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) throw new OAuthUnreachableError(`${what}: the OAuth server answered ${status} without tokens`);
  const answer = parsed.data;
  const expiresAt = answer.expires ? answer.expires * 1000 : now() + (answer.expires_in ?? 3600) * 1000;
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt,
    memberId: answer.member_id,
    clientEndpoint: answer.client_endpoint,
    scope: answer.scope,
  };
}

/** Spends `refreshToken` for a new pair (the old refresh token is dead afterwards). */
export function refreshTokens(
  client: OAuthClient,
  memberId: string,
  refreshToken: string,
  options: { signal?: AbortSignal; now?: () => number } = {},
): Promise<IssuedTokens> {
  return tokenRequest(
    client,
    { grant_type: "refresh_token", refresh_token: refreshToken },
    memberId,
    options.signal,
    options.now ?? Date.now,
  );
}

/** Exchanges an authorisation `code` (valid 30 s) for a first pair. */
export function exchangeCode(
  client: OAuthClient,
  memberId: string,
  code: string,
  options: { signal?: AbortSignal; now?: () => number } = {},
): Promise<IssuedTokens> {
  return tokenRequest(
    client,
    { grant_type: "authorization_code", code },
    memberId,
    options.signal,
    options.now ?? Date.now,
  );
}
