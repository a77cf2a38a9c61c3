/**
 * @module files/signed-links — HMAC-signed, expiring file URLs under LV_PLUGIN_SELF_URI.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
import { eq } from "drizzle-orm";
import type { SecretBox } from "../secrets/keyring.js";
import { FILE_LINK_SECRET_KEY } from "../secrets/reseal.js";

/** The tenant a link is for: its host and the host's key of it. */
export interface LinkTenant {
  host: string;
  key: string;
}

/** What a signed link points at. */
export interface LinkTarget {
  tenant: LinkTenant;
  kind: string;
  key: string;
  expiresAt: number;
}

/** The host of every tenant before hosts existed. */
const LEGACY_LINK_HOST = "salesrender";

/** Makes and checks signed file links; the secret is generated once and kept, sealed, in the database. */
export class SignedLinks {
  private constructor(
    private readonly secret: Buffer,
    private readonly selfUri: string,
  ) {}

  /**
   * Reads the deployment's link secret, creating it on first use. Every process sharing the
   * database signs with the same one: should two create it at once, the first insert wins and
   * both read it back.
   */
  static async open(db: Database, selfUri: string, box: SecretBox): Promise<SignedLinks> {
    const { meta } = coreTables.for(db);
    const read = async () => (await db.select().from(meta).where(eq(meta.key, FILE_LINK_SECRET_KEY)).limit(1))[0];
    let row = await read();
    if (!row) {
      await db
        .insert(meta)
        .values({ key: FILE_LINK_SECRET_KEY, value: box.seal(randomBytes(32).toString("base64url")) })
        .onConflictDoNothing();
      row = await read();
      if (!row) throw new Error("The file link secret was not stored");
    }
    return new SignedLinks(Buffer.from(box.open(row.value), "base64url"), selfUri);
  }

  /** A URL serving `kind`/`key` for the tenant until `ttlSeconds` from now. */
  create(target: Omit<LinkTarget, "expiresAt">, ttlSeconds: number, fileName = "file"): string {
    const payload = Buffer.from(
      JSON.stringify([
        target.tenant.host,
        target.tenant.key,
        target.kind,
        target.key,
        Math.floor(Date.now() / 1000) + ttlSeconds,
      ]),
    ).toString("base64url");
    const name = encodeURIComponent(fileName.replace(/[/\\]/g, "_") || "file");
    return `${this.selfUri}files/${payload}.${this.sign(payload)}/${name}`;
  }

  /** The target of a token, `expired`, or undefined when the signature is wrong. */
  verify(token: string): LinkTarget | "expired" | undefined {
    const [payload, signature] = token.split(".");
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let parts: unknown;
    try {
      parts = JSON.parse(Buffer.from(payload, "base64url").toString());
    } catch {
      return undefined;
    }
    if (!Array.isArray(parts)) return undefined;
    if (parts.length === 6) {
      // A link made before tenants had hosts names a SalesRender plugin reference; its tenant key
      // is built as the host builds it (and as core's migration 0004 did).
      const [companyId, pluginAlias, pluginId, kind, key, exp] = parts as [
        string,
        string,
        string,
        string,
        string,
        number,
      ];
      const legacyKey = [companyId, pluginAlias, pluginId].map((part) => encodeURIComponent(part)).join("/");
      return this.target({ host: LEGACY_LINK_HOST, key: legacyKey }, kind, key, exp);
    }
    if (parts.length !== 5) return undefined;
    const [host, tenantKey, kind, key, exp] = parts as [string, string, string, string, number];
    return this.target({ host, key: tenantKey }, kind, key, exp);
  }

  private target(tenant: LinkTenant, kind: string, key: string, exp: number): LinkTarget | "expired" {
    if (exp * 1000 < Date.now()) return "expired";
    return { tenant, kind, key, expiresAt: exp * 1000 };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}
