/**
 * @module registrations — SalesRender registrations (§5.2): the plugin reference, the HPT that
 * signs our requests, the CRM cluster and the issuer each tenant is pinned to.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Database, HostRuntime, SecretBox, Tenant } from "@switchboard/core";
import { coreTables, postgresOf } from "@switchboard/core/internal";
import { salesRenderTenantKey, type PluginReference } from "./reference.js";
import type { RegistrationInput, RegistrationRefusal, RegistrationWrites } from "./registration-writes.js";
import { PgRegistrationWrites } from "./pg-registration-writes.js";
import { SqliteRegistrationWrites } from "./sqlite-registration-writes.js";

export type { RegistrationInput, RegistrationRefusal } from "./registration-writes.js";

/** The outcome of {@link RegistrationStore.register}. */
export type RegistrationResult =
  { ok: true; tenant: Tenant; adoptedIssuer: boolean } | { ok: false; refusal: RegistrationRefusal };

/** What the host keeps private about a registration: the signing secret and where the tenant belongs. */
export interface RegistrationSecrets {
  /** The plugin reference the CRM knows the tenant by (signed into every request to it). */
  ref: PluginReference;
  hpt: string;
  clusterUri: string;
  /** Issuer origin the tenant is pinned to; null until a legacy row adopts one. */
  issuer: string | null;
}

type RegistrationRow = (typeof coreTables.sqlite.registrations)["$inferSelect"];

/** `scheme://host[:port]` of a URL, or undefined when it is not one. */
function originOf(uri: string): string | undefined {
  try {
    const origin = new URL(uri).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Reads and writes registrations; HPTs are sealed at rest, callers only ever see them open. Reads
 * are portable (drizzle's query builder, awaited); `register` is one transaction of
 * {@link RegistrationWrites}.
 */
export class RegistrationStore {
  private readonly secrets = new Map<number, RegistrationSecrets>();
  /** Registrations stored so far: a read that saw one land meanwhile does not cache what it read. */
  private registered = 0;
  private readonly writes: RegistrationWrites;
  private readonly table;

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly tenants: HostRuntime["tenants"],
    writes?: RegistrationWrites,
  ) {
    this.table = coreTables.for(db).registrations;
    this.writes =
      writes ??
      (db.dialectName === "postgres"
        ? new PgRegistrationWrites(postgresOf(db), box)
        : new SqliteRegistrationWrites(db, box));
  }

  /**
   * Pins registrations stored before issuers were recorded to the origin of their cluster URI,
   * which is the `iss` of the token that registered them; resolves how many rows were pinned.
   */
  async pinLegacyIssuers(): Promise<number> {
    const legacy = await this.db
      .select({ tenantId: this.table.tenantId, clusterUri: this.table.clusterUri })
      .from(this.table)
      .where(isNull(this.table.issuer));
    let pinned = 0;
    for (const row of legacy) {
      const issuer = originOf(row.clusterUri);
      if (!issuer) continue;
      // Only a row still without one: a registration that came meanwhile keeps the issuer it set.
      const changed = await this.db
        .update(this.table)
        .set({ issuer })
        .where(and(eq(this.table.tenantId, row.tenantId), isNull(this.table.issuer)))
        .returning({ tenantId: this.table.tenantId });
      pinned += changed.length;
    }
    return pinned;
  }

  /**
   * Creates or replaces a registration; the tenant and its public id survive re-registration.
   * Refused, with nothing changed, when the tenant is pinned to another issuer or the token is
   * older than one already used or was used before; re-sending the token in force is a no-op
   * that succeeds. The tenant is created, or given the token's country, in the registration's
   * own transaction (RegistrationWrites): with the registration or not at all.
   */
  async register(ref: PluginReference, input: RegistrationInput): Promise<RegistrationResult> {
    const key = salesRenderTenantKey(ref);
    const outcome = await this.writes.register(ref, key, input, Date.now());
    if ("refusal" in outcome) return { ok: false, refusal: outcome.refusal };
    if (outcome.unchanged)
      return { ok: true, tenant: (await this.tenants.byId(outcome.tenantId))!, adoptedIssuer: false };
    this.registered++;
    this.secrets.delete(outcome.tenantId);
    // The transaction wrote core's tenant row itself: opening it again reads it afresh (country,
    // settings) instead of what core's cache held.
    const tenant = await this.tenants.open(key, { country: input.country });
    return { ok: true, tenant, adoptedIssuer: outcome.adoptedIssuer };
  }

  /** The registered tenant a plugin reference names, or undefined when it never registered. */
  async byReference(ref: PluginReference): Promise<Tenant | undefined> {
    const tenant = await this.tenants.get(salesRenderTenantKey(ref));
    return tenant && (await this.credentials(tenant.id)) ? tenant : undefined;
  }

  /**
   * The plugin reference, registration secret, CRM address and pinned issuer of a tenant (never
   * exposed to gateways).
   */
  async credentials(tenantId: number): Promise<RegistrationSecrets | undefined> {
    const cached = this.secrets.get(tenantId);
    if (cached) return cached;
    const before = this.registered;
    const [row] = await this.db.select().from(this.table).where(eq(this.table.tenantId, tenantId)).limit(1);
    const creds = row && this.open(row);
    if (creds && this.registered === before) this.secrets.set(tenantId, creds);
    return creds;
  }

  private open(row: RegistrationRow): RegistrationSecrets {
    // Cached because every delivery signs with it; registration replaces it.
    return {
      ref: { companyId: row.companyId, pluginAlias: row.pluginAlias, pluginId: row.pluginId },
      hpt: this.box.open(row.hpt),
      clusterUri: row.clusterUri,
      issuer: row.issuer,
    };
  }
}
