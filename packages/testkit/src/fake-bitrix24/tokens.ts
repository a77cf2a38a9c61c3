/**
 * @module fake-bitrix24/tokens — what the fake's OAuth server has issued: access tokens that expire,
 * refresh tokens that work once (each refresh rotates it; the old one is then dead), and 30-second
 * authorization codes.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";

/** Who a token speaks for. */
export interface Grant {
  memberId: string;
  /** The portal user the token was issued for. */
  userId: number;
}

/** A fresh pair of tokens. */
export interface TokenPair extends Grant {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds when the access token expires. */
  expires: number;
  /** Its lifetime in seconds. */
  expiresIn: number;
}

/** What an access token resolves to. */
export type AccessCheck = { kind: "valid"; grant: Grant } | { kind: "expired"; grant: Grant } | { kind: "unknown" };

const CODE_TTL_MS = 30_000;

const token = (): string => randomBytes(20).toString("hex");

/** The issued tokens of every portal. */
export class TokenStore {
  private readonly access = new Map<string, Grant & { expiresAt: number }>();
  private readonly refresh = new Map<string, Grant>();
  private readonly codes = new Map<string, Grant & { expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    /** Access-token lifetime in seconds. */
    public accessTtlSeconds: number,
  ) {}

  /** Issues a new access + refresh token pair. */
  issue(grant: Grant): TokenPair {
    const accessToken = token();
    const refreshToken = token();
    const expiresAt = this.clock() + this.accessTtlSeconds * 1000;
    this.access.set(accessToken, { ...grant, expiresAt });
    this.refresh.set(refreshToken, { ...grant });
    return {
      ...grant,
      accessToken,
      refreshToken,
      expires: Math.floor(expiresAt / 1000),
      expiresIn: this.accessTtlSeconds,
    };
  }

  /** Issues an access token alone (event `auth`, placement `AUTH_ID` without a refresh). */
  issueAccess(grant: Grant): { accessToken: string; expires: number; expiresIn: number } {
    const accessToken = token();
    const expiresAt = this.clock() + this.accessTtlSeconds * 1000;
    this.access.set(accessToken, { ...grant, expiresAt });
    return { accessToken, expires: Math.floor(expiresAt / 1000), expiresIn: this.accessTtlSeconds };
  }

  /** Checks an access token. */
  check(accessToken: string): AccessCheck {
    const found = this.access.get(accessToken);
    if (!found) return { kind: "unknown" };
    const grant = { memberId: found.memberId, userId: found.userId };
    return found.expiresAt > this.clock() ? { kind: "valid", grant } : { kind: "expired", grant };
  }

  /** Spends a refresh token for a new pair; null when it is unknown or already used. */
  rotate(refreshToken: string): TokenPair | null {
    const grant = this.refresh.get(refreshToken);
    if (!grant) return null;
    this.refresh.delete(refreshToken);
    return this.issue(grant);
  }

  /** Whether a refresh token can still be spent. */
  refreshUsable(refreshToken: string): boolean {
    return this.refresh.has(refreshToken);
  }

  /** Issues a one-time authorization code (valid 30 s). */
  issueCode(grant: Grant): string {
    const code = token();
    this.codes.set(code, { ...grant, expiresAt: this.clock() + CODE_TTL_MS });
    return code;
  }

  /** Spends an authorization code; null when unknown, used or older than 30 s. */
  redeemCode(code: string): Grant | null {
    const found = this.codes.get(code);
    if (!found) return null;
    this.codes.delete(code);
    return found.expiresAt > this.clock() ? { memberId: found.memberId, userId: found.userId } : null;
  }

  /** Makes every access token of a portal (or of all portals) expired now. */
  expireAccess(memberId?: string): void {
    const now = this.clock();
    for (const grant of this.access.values()) {
      if (memberId === undefined || grant.memberId === memberId) grant.expiresAt = Math.min(grant.expiresAt, now);
    }
  }

  /** Forgets every token of a portal (uninstall). */
  revoke(memberId: string): void {
    for (const map of [this.access, this.refresh, this.codes] as Map<string, Grant>[]) {
      for (const [key, grant] of map) if (grant.memberId === memberId) map.delete(key);
    }
  }
}
