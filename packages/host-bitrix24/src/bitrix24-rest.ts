/**
 * @module bitrix24-rest — the REST client, its rate limiter and the token keeper built from the
 * host's configuration: what the host seam creates once per process.
 */
import type { Bitrix24Env } from "./env.js";
import { PortalTokens, type PortalTokenStore, type TokenLogger } from "./oauth/portal-tokens.js";
import { PortalRateLimiter } from "./rest/portal-rate-limiter.js";
import { Bitrix24RestClient, DEFAULT_REST_DEADLINE_MS } from "./rest/rest-client.js";
import { realTimers, type Timers } from "./time/timers.js";

/** The wired parts. */
export interface Bitrix24Rest {
  client: Bitrix24RestClient;
  tokens: PortalTokens;
  limiter: PortalRateLimiter;
}

/** Builds the client for every portal from `env`, keeping tokens in `store`. */
export function createBitrix24Rest(
  env: Bitrix24Env,
  store: PortalTokenStore,
  options: { logger?: TokenLogger; timers?: Timers; allowPrivate?: boolean; deadlineMs?: number } = {},
): Bitrix24Rest {
  const timers = options.timers ?? realTimers;
  const deadlineMs = options.deadlineMs ?? DEFAULT_REST_DEADLINE_MS;
  const tokens = new PortalTokens({
    client: {
      oauthUrl: env.oauthUrl,
      clientId: env.clientId,
      clientSecret: env.clientSecret,
      deadlineMs,
      ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
    },
    store,
    now: timers.now,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const limiter = new PortalRateLimiter({ ratePerSecond: env.ratePerSecond, burst: env.rateBurst, timers });
  const client = new Bitrix24RestClient({
    credentials: tokens,
    limiter,
    timers,
    deadlineMs,
    ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
  });
  return { client, tokens, limiter };
}
