/**
 * @module tenants/tenant-store — tenants (host, key, public id), their SalesRender registrations
 * and their settings, cached in memory (this process is the only writer of its database).
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { registrations, seenEvents, settings as settingsTable, tenants } from "../db/schema.js";
import { tenantRows } from "../db/tenant-rows.js";
import type { Tenant } from "../gateway/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import { SALESRENDER_HOST, salesRenderTenantKey, type PluginReference } from "../protocol/reference.js";
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
  /** The plugin reference the CRM knows the tenant by (signed into every request to it). */
  ref: PluginReference;
  hpt: string;
  clusterUri: string;
  /** Issuer origin the tenant is pinned to; null until a legacy row adopts one. */
  issuer: string | null;
}

/** seen_events scope of the registration token ids already used per tenant. */
const REGISTRATION_JTI_SCOPE = "registration";

type RegistrationRow = typeof registrations.$inferSelect;
type TenantRow = typeof tenants.$inferSelect;
type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** `scheme://host[:port]` of a URL, or undefined when it is not one. */
function originOf(uri: string): string | undefined {
  try {
    const origin = new URL(uri).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

const byRef = (ref: PluginReference) =>
  and(
    eq(registrations.companyId, ref.companyId),
    eq(registrations.pluginAlias, ref.pluginAlias),
    eq(registrations.pluginId, ref.pluginId),
  );

/**
 * Reads and writes tenants; every read is scoped by a tenant id, a plugin reference or a public
 * id. HPTs and settings data are sealed at rest; callers only ever see them open.
 */
export class TenantStore {
  /** Tenants by id (null: no such registered tenant). */
  private readonly cache = new Map<number, Tenant | null>();
  /** Tenant ids by SalesRender tenant key. */
  private readonly ids = new Map<string, number>();
  private readonly publicIds = new Map<string, number>();
  private readonly secrets = new Map<number, RegistrationSecrets>();

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
      .select({ tenantId: registrations.tenantId, clusterUri: registrations.clusterUri })
      .from(registrations)
      .where(isNull(registrations.issuer))
      .all();
    let pinned = 0;
    for (const row of legacy) {
      const issuer = originOf(row.clusterUri);
      if (!issuer) continue;
      this.db.update(registrations).set({ issuer }).where(eq(registrations.tenantId, row.tenantId)).run();
      pinned++;
    }
    return pinned;
  }

  /**
   * Creates or replaces a registration; the tenant and its public id survive re-registration.
   * Refused, with nothing changed, when the tenant is pinned to another issuer or the token is
   * older than one already used or was used before; re-sending the token in force is a no-op
   * that succeeds.
   */
  register(ref: PluginReference, input: RegistrationInput): RegistrationResult {
    type Outcome = { refusal: RegistrationRefusal } | { tenantId: number; adoptedIssuer: boolean; unchanged?: true };
    const outcome = this.db.transaction((tx): Outcome => {
      const existing = tx.select().from(registrations).where(byRef(ref)).get();
      if (existing?.issuer != null && existing.issuer !== input.issuer) return { refusal: "foreign-issuer" };
      // A token without iat cannot prove it is newer than one that had it.
      if (existing?.tokenIat != null && (input.iat === undefined || input.iat < existing.tokenIat)) {
        return { refusal: "outdated" };
      }
      // The CRM retrying the registration in force (its answer was lost) changes nothing: not a replay.
      if (input.jti !== undefined && existing?.tokenJti === input.jti && existing.issuer === input.issuer) {
        return { tenantId: existing.tenantId, adoptedIssuer: false, unchanged: true };
      }
      // A tenant is new only with its first registration: no token id can have been seen for it.
      const key = salesRenderTenantKey(ref);
      const tenantId = existing?.tenantId ?? this.tenantRowOf(tx, key)?.id ?? this.createTenant(tx, key);
      if (input.jti !== undefined) {
        const fresh = tx
          .insert(seenEvents)
          .values({ tenantId, scope: REGISTRATION_JTI_SCOPE, externalId: input.jti, seenAt: Date.now() })
          .onConflictDoNothing()
          .run();
        if (fresh.changes === 0) return { refusal: "replayed" };
      }
      this.write(tx, tenantId, ref, input);
      return { tenantId, adoptedIssuer: existing !== undefined && existing.issuer == null };
    });
    if ("refusal" in outcome) return { ok: false, refusal: outcome.refusal };
    if (!outcome.unchanged) {
      this.cache.delete(outcome.tenantId);
      this.secrets.delete(outcome.tenantId);
    }
    return { ok: true, tenant: this.byId(outcome.tenantId)!, adoptedIssuer: outcome.adoptedIssuer };
  }

  private tenantRowOf(tx: Transaction | Database, key: string): TenantRow | undefined {
    return tx
      .select()
      .from(tenants)
      .where(and(eq(tenants.host, SALESRENDER_HOST), eq(tenants.tenantKey, key)))
      .get();
  }

  private createTenant(tx: Transaction, key: string): number {
    return tx
      .insert(tenants)
      .values({
        host: SALESRENDER_HOST,
        tenantKey: key,
        publicId: randomBytes(16).toString("base64url"),
        createdAt: Date.now(),
      })
      .returning({ id: tenants.id })
      .get().id;
  }

  private write(tx: Transaction, tenantId: number, ref: PluginReference, input: RegistrationInput) {
    const row: RegistrationRow = {
      tenantId,
      ...ref,
      hpt: this.box.seal(input.hpt),
      clusterUri: input.clusterUri,
      country: input.country,
      currency: input.currency,
      registeredAt: Math.floor(Date.now() / 1000),
      issuer: input.issuer,
      tokenIat: input.iat ?? null,
      tokenJti: input.jti ?? null,
    };
    const { tenantId: _id, ...changed } = row;
    tx.insert(registrations).values(row).onConflictDoUpdate({ target: registrations.tenantId, set: changed }).run();
  }

  /** The tenant a plugin reference names, or undefined when it never registered. */
  byReference(ref: PluginReference): Tenant | undefined {
    const key = salesRenderTenantKey(ref);
    const id = this.ids.get(key);
    if (id !== undefined) return this.byId(id);
    const row = this.db.select({ tenantId: registrations.tenantId }).from(registrations).where(byRef(ref)).get();
    if (!row) return undefined;
    this.ids.set(key, row.tenantId);
    return this.byId(row.tenantId);
  }

  /** The tenant of a host's tenant key, or undefined when there is no such registered tenant. */
  byKey(host: string, key: string): Tenant | undefined {
    if (host !== SALESRENDER_HOST) return undefined;
    const id = this.ids.get(key) ?? this.tenantRowOf(this.db, key)?.id;
    return id === undefined ? undefined : this.byId(id);
  }

  /** The registered tenant with this id, or undefined. */
  byId(id: number): Tenant | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.db
      .select({ tenant: tenants, country: registrations.country })
      .from(tenants)
      .innerJoin(registrations, eq(registrations.tenantId, tenants.id))
      .where(eq(tenants.id, id))
      .get();
    const tenant = row ? this.toTenant(row.tenant, row.country) : null;
    this.cache.set(id, tenant);
    if (tenant) {
      this.publicIds.set(tenant.publicId, id);
      this.ids.set(tenant.key, id);
    }
    return tenant ?? undefined;
  }

  /**
   * The plugin reference, registration secret, CRM address and pinned issuer of a tenant (never
   * exposed to gateways).
   */
  credentials(tenantId: number): RegistrationSecrets | undefined {
    let creds = this.secrets.get(tenantId);
    if (!creds) {
      const row = this.db.select().from(registrations).where(eq(registrations.tenantId, tenantId)).get();
      // Cached because the outbox signs every request with it; registration replaces it.
      if (row) {
        creds = {
          ref: { companyId: row.companyId, pluginAlias: row.pluginAlias, pluginId: row.pluginId },
          hpt: this.box.open(row.hpt),
          clusterUri: row.clusterUri,
          issuer: row.issuer,
        };
        this.secrets.set(tenantId, creds);
      }
    }
    return creds;
  }

  /** Finds a tenant by the opaque id in its webhook URLs. */
  byPublicId(publicId: string): Tenant | undefined {
    const id = this.publicIds.get(publicId);
    if (id !== undefined) return this.byId(id);
    const row = this.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.publicId, publicId)).get();
    return row ? this.byId(row.id) : undefined;
  }

  /** Every registered tenant. */
  all(): Tenant[] {
    return this.db
      .select({ id: registrations.tenantId })
      .from(registrations)
      .all()
      .map((row) => this.byId(row.id))
      .filter((tenant): tenant is Tenant => tenant !== undefined);
  }

  /** Stored settings data of a tenant (`{}` when never saved). */
  settings(tenantId: number): SettingsData {
    const row = this.db
      .select({ data: settingsTable.data })
      .from(settingsTable)
      .where(tenantRows(settingsTable, tenantId))
      .get();
    return (row ? JSON.parse(this.box.open(row.data)) : {}) as SettingsData;
  }

  /** Replaces the settings data of a tenant (sealed whole: its password fields are credentials). */
  saveSettings(tenantId: number, data: SettingsData): void {
    const json = this.box.seal(JSON.stringify(data));
    this.db
      .insert(settingsTable)
      .values({ tenantId, data: json, updatedAt: Date.now() })
      .onConflictDoUpdate({ target: settingsTable.tenantId, set: { data: json, updatedAt: Date.now() } })
      .run();
    this.cache.delete(tenantId);
  }

  private toTenant(row: TenantRow, country: string): Tenant {
    return {
      id: row.id,
      host: row.host,
      key: row.tenantKey,
      publicId: row.publicId,
      settings: this.settings(row.id),
      country,
    };
  }
}
