/**
 * @module oauth/portal-tokens — each portal's tokens for the REST client: refreshed when the portal
 * says `expired_token` (b24restdocs `settings/oauth/auto-renewal.md` recommends exactly this, and
 * warns that refreshing before every request or on a timer can get the app blocked), one refresh at a
 * time per portal (two parallel refreshes spend the same refresh token and the loser's pair is dead;
 * bitrix24/b24jssdk#182 fixed the same by merging concurrent 401s into one refresh), the rotated pair
 * persisted through the caller's callback before anyone uses it, and `invalid_grant` turning the
 * portal into "needs re-authorisation" instead of retrying forever.
 */
import type { CredentialSource, PortalCredentials } from "../rest/credentials.js";
import { NeedsReauthorisationError } from "./errors.js";
import { refreshTokens, type IssuedTokens, type OAuthClient } from "./token-endpoint.js";

/** A portal's tokens as the caller stores them. */
export interface StoredPortalTokens {
  memberId: string;
  clientEndpoint: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch), if known. */
  expiresAt?: number;
  /** The refresh token died: the portal must be re-authorised before anything is sent. */
  needsReauthorisation?: boolean;
}

/** Where a portal's tokens live (the host's table, sealed at rest); each call may run in the caller's transaction. */
export interface PortalTokenStore {
  /** The portal's tokens, or undefined when it is not installed. */
  load(memberId: string): Promise<StoredPortalTokens | undefined> | StoredPortalTokens | undefined;
  /** Persists a rotated pair; resolves once it is durable (the old refresh token is already dead). */
  saveRotated(memberId: string, tokens: IssuedTokens): Promise<void> | void;
  /** Records that the portal must be re-authorised (shown on the settings page; its work waits). */
  markNeedsReauthorisation(memberId: string, reason: string): Promise<void> | void;
}

/** What the token keeper logs (a pino logger fits). */
export interface TokenLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link PortalTokens}. */
export interface PortalTokensOptions {
  client: OAuthClient;
  store: PortalTokenStore;
  logger?: TokenLogger;
  now?: () => number;
}

/** The portal is not installed (no tokens stored). */
export class PortalNotInstalledError extends NeedsReauthorisationError {
  constructor(memberId: string) {
    super(memberId, `Bitrix24 portal ${memberId} is not installed`);
  }
}

/** Each portal's current tokens, refreshed on demand, one refresh per portal at a time. */
export class PortalTokens implements CredentialSource {
  private readonly cache = new Map<string, StoredPortalTokens>();
  private readonly refreshing = new Map<string, Promise<StoredPortalTokens>>();
  private readonly now: () => number;

  constructor(private readonly options: PortalTokensOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The credentials to call the portal with now; throws {@link NeedsReauthorisationError} while it needs re-authorisation. */
  async current(memberId: string): Promise<PortalCredentials> {
    return credentialsOf(await this.tokensOf(memberId));
  }

  /**
   * New credentials after the portal rejected `rejectedAccessToken`. Concurrent callers share one
   * refresh; a caller whose token was already replaced gets the replacement without a refresh.
   */
  async refreshed(memberId: string, rejectedAccessToken: string): Promise<PortalCredentials> {
    const inFlight = this.refreshing.get(memberId);
    if (inFlight) return credentialsOf(await inFlight);
    const known = await this.tokensOf(memberId);
    if (known.accessToken !== rejectedAccessToken) return credentialsOf(known);
    // Checked again: loading may have let another caller start the refresh.
    const started = this.refreshing.get(memberId);
    if (started) return credentialsOf(await started);
    const refresh = this.refresh(known).finally(() => this.refreshing.delete(memberId));
    this.refreshing.set(memberId, refresh);
    return credentialsOf(await refresh);
  }

  /** Whether the portal waits for re-authorisation (for the settings page and the outbox). */
  async needsReauthorisation(memberId: string): Promise<boolean> {
    const tokens = this.cache.get(memberId) ?? (await this.options.store.load(memberId));
    return tokens?.needsReauthorisation === true;
  }

  /** Forgets what is cached for a portal (after uninstall, reinstall or re-authorisation stored new tokens). */
  forget(memberId: string): void {
    this.cache.delete(memberId);
  }

  private async tokensOf(memberId: string): Promise<StoredPortalTokens> {
    let tokens = this.cache.get(memberId);
    if (!tokens) {
      tokens = await this.options.store.load(memberId);
      if (!tokens) throw new PortalNotInstalledError(memberId);
      this.cache.set(memberId, tokens);
    }
    if (tokens.needsReauthorisation) throw new NeedsReauthorisationError(memberId);
    return tokens;
  }

  private async refresh(known: StoredPortalTokens): Promise<StoredPortalTokens> {
    const { memberId } = known;
    let issued: IssuedTokens;
    try {
      issued = await refreshTokens(this.options.client, memberId, known.refreshToken, { now: this.now });
    } catch (error) {
      if (error instanceof NeedsReauthorisationError) {
        const dead: StoredPortalTokens = { ...known, needsReauthorisation: true };
        this.cache.set(memberId, dead);
        await this.options.store.markNeedsReauthorisation(memberId, "invalid_grant");
        this.options.logger?.warn(
          { event: "bitrix24.reauthorisation_needed", memberId },
          "Bitrix24 portal needs re-authorisation: its refresh token was refused",
        );
      }
      throw error;
    }
    const next: StoredPortalTokens = {
      memberId,
      // The portal's address can change (a renamed domain keeps its member_id); the token answer says where it is now.
      clientEndpoint: issued.clientEndpoint || known.clientEndpoint,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: issued.expiresAt,
    };
    // The old refresh token is dead from here on: the new pair is kept even if saving fails, so this
    // process goes on working; the failure still reaches the caller, who must not lose it silently.
    this.cache.set(memberId, next);
    await this.options.store.saveRotated(memberId, issued);
    this.options.logger?.info({ event: "bitrix24.token_refreshed", memberId }, "Bitrix24 access token refreshed");
    return next;
  }
}

function credentialsOf(tokens: StoredPortalTokens): PortalCredentials {
  return { memberId: tokens.memberId, clientEndpoint: tokens.clientEndpoint, accessToken: tokens.accessToken };
}
