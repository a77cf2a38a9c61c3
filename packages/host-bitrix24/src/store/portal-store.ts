/**
 * @module store/portal-store — installed portals: their OAuth tokens and application token, sealed
 * at rest with core's SecretBox, and whether they need re-authorisation. It is the token store of
 * the OAuth keeper (`load` / `saveRotated` / `markNeedsReauthorisation`), so a rotated pair is one
 * UPDATE: durable before anyone uses it.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Database, SecretBox } from "@switchboard/core";
import { eq } from "drizzle-orm";
import { bitrix24Tables } from "../db/schema.js";
import type { StoredPortalTokens } from "../oauth/portal-tokens.js";

/** What ONAPPINSTALL (or a re-authorisation) gives us for a portal. */
export interface PortalInstall {
  memberId: string;
  domain: string;
  clientEndpoint: string;
  serverEndpoint?: string | undefined;
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch. */
  expiresAt?: number | undefined;
  applicationToken: string;
  scope?: string | undefined;
  status?: string | undefined;
  languageId?: string | undefined;
}

/** A rotated pair from the OAuth server. */
export interface RotatedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  clientEndpoint?: string;
  scope?: string | undefined;
}

/** What the settings page and the logs may know about a portal: no secret. */
export interface PortalInfo {
  memberId: string;
  domain: string;
  /** The portal's origin as its REST endpoint names it (`https://<domain>`), for framing the settings page. */
  origin: string;
  languageId: string | undefined;
  installed: boolean;
  needsReauthorisation: boolean;
  lastError: string | undefined;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Reads and writes `bitrix24_portals` (portable: drizzle's query builder, awaited). */
export class PortalStore {
  private readonly now: () => number;
  /** `bitrix24_portals` of the store `db` is. */
  private readonly table;

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.table = bitrix24Tables.for(db).bitrix24Portals;
  }

  /** Stores a (re)installed portal: new tokens replace old ones, and it no longer needs re-authorisation. */
  async install(portal: PortalInstall): Promise<void> {
    const now = this.now();
    const values = {
      domain: portal.domain,
      clientEndpoint: portal.clientEndpoint,
      serverEndpoint: portal.serverEndpoint ?? null,
      accessToken: this.box.seal(portal.accessToken),
      refreshToken: this.box.seal(portal.refreshToken),
      expiresAt: portal.expiresAt ?? null,
      applicationToken: this.box.seal(portal.applicationToken),
      applicationTokenSha256: sha256(portal.applicationToken).toString("hex"),
      scope: portal.scope ?? null,
      status: portal.status ?? null,
      languageId: portal.languageId ?? null,
      needsReauth: false,
      lastError: null,
      uninstalledAt: null,
      updatedAt: now,
    };
    await this.db
      .insert(this.table)
      .values({ memberId: portal.memberId, installedAt: now, ...values })
      .onConflictDoUpdate({ target: this.table.memberId, set: { ...values, installedAt: now } });
  }

  /** True when `given` is the application token the installed portal `memberId` was given (constant time). */
  async applicationTokenMatches(memberId: string, given: string | undefined): Promise<boolean> {
    const [row] = await this.db
      .select({ hash: this.table.applicationTokenSha256 })
      .from(this.table)
      .where(eq(this.table.memberId, memberId))
      .limit(1);
    // Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
    const expected = row?.hash ? Buffer.from(row.hash, "hex") : sha256("\u0000no portal");
    const same = timingSafeEqual(sha256(given ?? ""), expected);
    return same && row?.hash != null && typeof given === "string" && given !== "";
  }

  /** The portal's tokens, or undefined when it is not installed (never installed, or uninstalled). */
  async load(memberId: string): Promise<StoredPortalTokens | undefined> {
    const [row] = await this.db.select().from(this.table).where(eq(this.table.memberId, memberId)).limit(1);
    if (!row || row.accessToken === null || row.refreshToken === null) return undefined;
    return {
      memberId,
      clientEndpoint: row.clientEndpoint,
      accessToken: this.box.open(row.accessToken),
      refreshToken: this.box.open(row.refreshToken),
      ...(row.expiresAt !== null ? { expiresAt: row.expiresAt } : {}),
      ...(row.needsReauth ? { needsReauthorisation: true } : {}),
    };
  }

  /** Persists a rotated pair in one statement (the old refresh token is already dead). */
  async saveRotated(memberId: string, tokens: RotatedTokens): Promise<void> {
    await this.db
      .update(this.table)
      .set({
        accessToken: this.box.seal(tokens.accessToken),
        refreshToken: this.box.seal(tokens.refreshToken),
        expiresAt: tokens.expiresAt,
        ...(tokens.clientEndpoint ? { clientEndpoint: tokens.clientEndpoint } : {}),
        ...(tokens.scope ? { scope: tokens.scope } : {}),
        needsReauth: false,
        updatedAt: this.now(),
      })
      .where(eq(this.table.memberId, memberId));
  }

  /** Records that the refresh token was refused: shown on the settings page, and the portal's work waits. */
  async markNeedsReauthorisation(memberId: string, reason: string): Promise<void> {
    await this.db
      .update(this.table)
      .set({ needsReauth: true, lastError: reason.slice(0, 500), updatedAt: this.now() })
      .where(eq(this.table.memberId, memberId));
  }

  /** Records the last thing that went wrong with the portal (no secret: callers pass our own error texts). */
  async recordError(memberId: string, error: string | null): Promise<void> {
    await this.db
      .update(this.table)
      .set({ lastError: error === null ? null : error.slice(0, 500), updatedAt: this.now() })
      .where(eq(this.table.memberId, memberId));
  }

  /** Forgets the portal's tokens (ONAPPUNINSTALL): nothing can be sent for it or accepted from it any more. */
  async uninstall(memberId: string): Promise<boolean> {
    const now = this.now();
    const changed = await this.db
      .update(this.table)
      .set({
        accessToken: null,
        refreshToken: null,
        expiresAt: null,
        applicationToken: null,
        applicationTokenSha256: null,
        uninstalledAt: now,
        updatedAt: now,
      })
      .where(eq(this.table.memberId, memberId))
      .returning({ memberId: this.table.memberId });
    return changed.length > 0;
  }

  /** What may be shown about the portal, or undefined when it was never installed. */
  async info(memberId: string): Promise<PortalInfo | undefined> {
    const [row] = await this.db
      .select({
        domain: this.table.domain,
        clientEndpoint: this.table.clientEndpoint,
        languageId: this.table.languageId,
        accessToken: this.table.accessToken,
        needsReauth: this.table.needsReauth,
        lastError: this.table.lastError,
      })
      .from(this.table)
      .where(eq(this.table.memberId, memberId))
      .limit(1);
    if (!row) return undefined;
    return {
      memberId,
      domain: row.domain,
      origin: portalOrigin(row.clientEndpoint, row.domain),
      languageId: row.languageId ?? undefined,
      installed: row.accessToken !== null,
      needsReauthorisation: row.needsReauth,
      lastError: row.lastError ?? undefined,
    };
  }
}

/** `<scheme>://<domain>`: the scheme of the REST endpoint (https for every cloud portal), the portal's own domain. */
function portalOrigin(clientEndpoint: string, domain: string): string {
  let scheme = "https:";
  try {
    scheme = new URL(clientEndpoint).protocol;
  } catch {
    // A stored endpoint is a URL (checked at install); https is the safe reading otherwise.
  }
  return `${scheme === "http:" ? "http:" : "https:"}//${domain}`;
}
