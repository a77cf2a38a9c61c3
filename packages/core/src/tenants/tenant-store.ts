/**
 * @module tenants/tenant-store — registrations and settings per plugin reference, cached in memory
 * (this process is the only writer of its database).
 */
import { randomBytes } from "node:crypto";
import { eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { registrations, seenEvents, settings as settingsTable } from "../db/schema.js";
import { tenantRows } from "../db/tenant-rows.js";
import type { Tenant } from "../gateway/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import { referenceKey, type PluginReference } from "../protocol/reference.js";
import type { SettingsData } from "../settings/form.js";

/** What a registration token carries that we keep. */
export interface RegistrationInput {
  hpt: string;
  clusterUri: string;
  country: string;
  currency: string;
  /** Origin of the token's `iss`; the tenant is pinned to it. */
  issuer: string;
  /** The token's `iat` and `jti`, when it had them (replay protection). */
  iat?: number;
  jti?: string;
}

/** Why a registration was refused (nothing was changed). */
export type RegistrationRefusal = "foreign-issuer" | "outdated" | "replayed";

/** The outcome of {@link TenantStore.register}. */
export type RegistrationResult =
  { ok: true; tenant: Tenant; adoptedIssuer: boolean } | { ok: false; refusal: RegistrationRefusal };

/** What core keeps private about a registration: the signing secret and where the tenant belongs. */
export interface RegistrationSecrets {
  hpt: string;
  clusterUri: string;
  /** Issuer origin the tenant is pinned to; null until a legacy row adopts one. */
  issuer: string | null;
}

/** seen_events scope of the registration token ids already used per tenant. */
const REGISTRATION_JTI_SCOPE = "registration";

type RegistrationRow = typeof registrations.$inferSelect;
type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

const refColumns = {
  companyId: registrations.companyId,
  pluginAlias: registrations.pluginAlias,
  pluginId: registrations.pluginId,
};

/** `scheme://host[:port]` of a URL, or undefined when it is not one. */
function originOf(uri: string): string | undefined {
  try {
    const origin = new URL(uri).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

const byRef = (ref: PluginReference) => tenantRows(registrations, ref);

/**
 * Reads and writes tenants; every read is scoped by a plugin reference or a public id. HPTs and
 * settings data are sealed at rest; callers only ever see them open.
 */
export class TenantStore {
  private readonly cache = new Map<string, Tenant | null>();
  private readonly publicIds = new Map<string, string>();
  private readonly secrets = new Map<string, RegistrationSecrets>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  /**
   * Pins registrations stored before issuers were recorded to the origin of their cluster URI,
   * which is the `iss` of the token that registered them; returns how many rows were pinned.
   */
  pinLegacyIssuers(): number {
    const legacy = this.db
      .select({ ...refColumns, clusterUri: registrations.clusterUri })
      .from(registrations)
      .where(isNull(registrations.issuer))
      .all();
    let pinned = 0;
    for (const row of legacy) {
      const issuer = originOf(row.clusterUri);
      if (!issuer) continue;
      this.db.update(registrations).set({ issuer }).where(byRef(row)).run();
      pinned++;
    }
    return pinned;
  }

  /**
   * Creates or replaces a registration; the public id survives re-registration. Refused, with
   * nothing changed, when the tenant is pinned to another issuer or the token is older than one
   * already used or was used before; re-sending the token in force is a no-op that succeeds.
   */
  register(ref: PluginReference, input: RegistrationInput): RegistrationResult {
    type Outcome = { refusal: RegistrationRefusal } | { adoptedIssuer: boolean; unchanged?: true };
    const outcome = this.db.transaction((tx): Outcome => {
      const existing = tx.select().from(registrations).where(byRef(ref)).get();
      if (existing?.issuer != null && existing.issuer !== input.issuer) return { refusal: "foreign-issuer" };
      // A token without iat cannot prove it is newer than one that had it.
      if (existing?.tokenIat != null && (input.iat === undefined || input.iat < existing.tokenIat)) {
        return { refusal: "outdated" };
      }
      // The CRM retrying the registration in force (its answer was lost) changes nothing: not a replay.
      if (input.jti !== undefined && existing?.tokenJti === input.jti && existing.issuer === input.issuer) {
        return { adoptedIssuer: false, unchanged: true };
      }
      if (input.jti !== undefined) {
        const fresh = tx
          .insert(seenEvents)
          .values({ ...ref, scope: REGISTRATION_JTI_SCOPE, externalId: input.jti, seenAt: Date.now() })
          .onConflictDoNothing()
          .run();
        if (fresh.changes === 0) return { refusal: "replayed" };
      }
      this.write(tx, ref, input, existing);
      return { adoptedIssuer: existing !== undefined && existing.issuer == null };
    });
    if ("refusal" in outcome) return { ok: false, refusal: outcome.refusal };
    if (outcome.unchanged) return { ok: true, tenant: this.get(ref)!, adoptedIssuer: false };
    this.cache.delete(referenceKey(ref));
    this.secrets.delete(referenceKey(ref));
    return { ok: true, tenant: this.get(ref)!, adoptedIssuer: outcome.adoptedIssuer };
  }

  private write(
    tx: Transaction,
    ref: PluginReference,
    input: RegistrationInput,
    existing: RegistrationRow | undefined,
  ) {
    const row: RegistrationRow = {
      ...ref,
      publicId: existing?.publicId ?? randomBytes(16).toString("base64url"),
      hpt: this.box.seal(input.hpt),
      clusterUri: input.clusterUri,
      country: input.country,
      currency: input.currency,
      registeredAt: Math.floor(Date.now() / 1000),
      issuer: input.issuer,
      tokenIat: input.iat ?? null,
      tokenJti: input.jti ?? null,
    };
    const { companyId: _c, pluginAlias: _a, pluginId: _p, publicId: _id, ...changed } = row;
    tx.insert(registrations)
      .values(row)
      .onConflictDoUpdate({
        target: [registrations.companyId, registrations.pluginAlias, registrations.pluginId],
        set: changed,
      })
      .run();
  }

  /** The tenant of a reference, or undefined when it never registered. */
  get(ref: PluginReference): Tenant | undefined {
    const key = referenceKey(ref);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.db.select().from(registrations).where(byRef(ref)).get();
    const tenant = row ? this.toTenant(row) : null;
    this.cache.set(key, tenant);
    if (tenant) this.publicIds.set(tenant.publicId, key);
    return tenant ?? undefined;
  }

  /** The registration secret, CRM address and pinned issuer of a tenant (never exposed to gateways). */
  credentials(ref: PluginReference): RegistrationSecrets | undefined {
    const key = referenceKey(ref);
    let creds = this.secrets.get(key);
    if (!creds) {
      creds = this.db
        .select({ hpt: registrations.hpt, clusterUri: registrations.clusterUri, issuer: registrations.issuer })
        .from(registrations)
        .where(byRef(ref))
        .get();
      // Cached because the outbox signs every request with it; registration replaces it.
      if (creds) {
        creds = { ...creds, hpt: this.box.open(creds.hpt) };
        this.secrets.set(key, creds);
      }
    }
    return creds;
  }

  /** Finds a tenant by the opaque id in its webhook URLs. */
  byPublicId(publicId: string): Tenant | undefined {
    const key = this.publicIds.get(publicId);
    if (key) {
      const cached = this.cache.get(key);
      if (cached) return cached;
    }
    const row = this.db.select().from(registrations).where(eq(registrations.publicId, publicId)).get();
    return row ? this.get(row) : undefined;
  }

  /** Every registered tenant. */
  all(): Tenant[] {
    return this.db
      .select()
      .from(registrations)
      .all()
      .map((row) => this.get(row)!)
      .filter(Boolean);
  }

  /** Stored settings data of a reference (`{}` when never saved). */
  settings(ref: PluginReference): SettingsData {
    const row = this.db
      .select({ data: settingsTable.data })
      .from(settingsTable)
      .where(tenantRows(settingsTable, ref))
      .get();
    return (row ? JSON.parse(this.box.open(row.data)) : {}) as SettingsData;
  }

  /** Replaces the settings data of a reference (sealed whole: its password fields are credentials). */
  saveSettings(ref: PluginReference, data: SettingsData): void {
    const json = this.box.seal(JSON.stringify(data));
    this.db
      .insert(settingsTable)
      .values({ ...ref, data: json, updatedAt: Date.now() })
      .onConflictDoUpdate({
        target: [settingsTable.companyId, settingsTable.pluginAlias, settingsTable.pluginId],
        set: { data: json, updatedAt: Date.now() },
      })
      .run();
    this.cache.delete(referenceKey(ref));
  }

  private toTenant(row: RegistrationRow): Tenant {
    const ref = { companyId: row.companyId, pluginAlias: row.pluginAlias, pluginId: row.pluginId };
    return {
      ref,
      publicId: row.publicId,
      settings: this.settings(ref),
      registration: { country: row.country, currency: row.currency, clusterUri: row.clusterUri },
    };
  }
}
