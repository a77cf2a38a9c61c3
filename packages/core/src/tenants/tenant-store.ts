/**
 * @module tenants/tenant-store — tenants (host, key, public id, country) and their settings, cached
 * in memory (this process is the only writer of its database). What a host keeps about its
 * tenants (SalesRender's registrations) lives in the host's own tables.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { settings as settingsTable, tenants } from "../db/schema.js";
import { tenantRows } from "../db/tenant-rows.js";
import type { Tenant } from "../gateway/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { SettingsData } from "../settings/form.js";

type TenantRow = typeof tenants.$inferSelect;

/** The cache key of a host's tenant key. */
const keyOf = (host: string, key: string) => `${host}\n${key}`;

/** Reads and writes tenants; every read is scoped by a tenant id, a host's key or a public id. Settings are sealed at rest. */
export class TenantStore {
  /** Tenants by id (null: no such tenant). */
  private readonly cache = new Map<number, Tenant | null>();
  /** Tenant ids by host and key. */
  private readonly ids = new Map<string, number>();
  private readonly publicIds = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  /**
   * The tenant of a host's key, created (with a random public id) on first use, else read afresh;
   * `init.country` replaces the stored country. Runs on the caller's transaction when there is one.
   */
  open(host: string, key: string, init: { country?: string } = {}): Tenant {
    const existing = this.byKey(host, key);
    if (existing) {
      if (init.country !== undefined && init.country !== existing.country) {
        this.db.update(tenants).set({ country: init.country }).where(eq(tenants.id, existing.id)).run();
      }
      // The host saying again who the tenant is (a re-registration) reads it afresh, settings too.
      this.forget(existing.id);
      return this.byId(existing.id)!;
    }
    const row = this.db
      .insert(tenants)
      .values({
        host,
        tenantKey: key,
        publicId: randomBytes(16).toString("base64url"),
        country: init.country ?? null,
        createdAt: Date.now(),
      })
      .returning()
      .get();
    // Not cached: should the caller's transaction roll back, nothing remembers the tenant.
    return this.toTenant(row);
  }

  /** The tenant of a host's key, or undefined. */
  byKey(host: string, key: string): Tenant | undefined {
    const id =
      this.ids.get(keyOf(host, key)) ??
      this.db
        .select({ id: tenants.id })
        .from(tenants)
        .where(and(eq(tenants.host, host), eq(tenants.tenantKey, key)))
        .get()?.id;
    return id === undefined ? undefined : this.byId(id);
  }

  /** The tenant with this id, or undefined. */
  byId(id: number): Tenant | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.db.select().from(tenants).where(eq(tenants.id, id)).get();
    const tenant = row ? this.toTenant(row) : null;
    this.cache.set(id, tenant);
    if (tenant) {
      this.publicIds.set(tenant.publicId, id);
      this.ids.set(keyOf(tenant.host, tenant.key), id);
    }
    return tenant ?? undefined;
  }

  /** Finds a tenant by the opaque id in its webhook URLs. */
  byPublicId(publicId: string): Tenant | undefined {
    const id = this.publicIds.get(publicId);
    if (id !== undefined) return this.byId(id);
    const row = this.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.publicId, publicId)).get();
    return row ? this.byId(row.id) : undefined;
  }

  /** Every tenant (of one host, when given). */
  all(host?: string): Tenant[] {
    return this.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(host === undefined ? undefined : eq(tenants.host, host))
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
    this.forget(tenantId);
  }

  private forget(tenantId: number): void {
    this.cache.delete(tenantId);
  }

  private toTenant(row: TenantRow): Tenant {
    return {
      id: row.id,
      host: row.host,
      key: row.tenantKey,
      publicId: row.publicId,
      settings: this.settings(row.id),
      ...(row.country == null ? {} : { country: row.country }),
    };
  }
}
