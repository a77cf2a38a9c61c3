/**
 * @module tenants/tenant-store — tenants (host, key, public id, country) and their settings, cached
 * in memory (dropped on each write here; `forget` drops a tenant another writer changed, which
 * every write here announces to the other replicas through `announce`). Written
 * once for either database: the query builder, awaited, no transaction. What a host keeps about its
 * tenants (SalesRender's registrations) lives in the host's own tables.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { coreTables, type tenants } from "../db/schema.js";
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
  /** How often each tenant was forgotten: a read caches its answer only if no forget came while it ran. */
  private readonly forgets = new Map<number, number>();
  /** How often the whole cache was forgotten (`forgetAll`), for the same check. */
  private forgetAlls = 0;
  private readonly tables: (typeof coreTables)["sqlite"];

  /**
   * `announce(tenantId)` runs after each tenant or settings write here, for the other replicas
   * to drop their copy (on PostgreSQL a `tenant` notification); none for a lone process.
   */
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly options: { announce?: (tenantId: number) => Promise<void> } = {},
  ) {
    this.tables = coreTables.for(db);
  }

  /**
   * The tenant of a host's key, created (with a random public id) on first use, else read afresh;
   * `init.country` replaces the stored country. Two hosts' requests opening the same new key at
   * once get the same tenant (the insert does nothing on the unique key, and the row is read back).
   */
  async open(host: string, key: string, init: { country?: string } = {}): Promise<Tenant> {
    const { tenants } = this.tables;
    const existing = await this.byKey(host, key);
    if (existing) {
      if (init.country !== undefined && init.country !== existing.country) {
        await this.db.update(tenants).set({ country: init.country }).where(eq(tenants.id, existing.id));
        await this.announce(existing.id);
      }
      // The host saying again who the tenant is (a re-registration) reads it afresh, settings too.
      this.forget(existing.id);
      return (await this.byId(existing.id))!;
    }
    await this.db
      .insert(tenants)
      .values({
        host,
        tenantKey: key,
        publicId: randomBytes(16).toString("base64url"),
        country: init.country ?? null,
        createdAt: Date.now(),
      })
      .onConflictDoNothing({ target: [tenants.host, tenants.tenantKey] });
    const id = await this.idOfKey(host, key);
    if (id === undefined) throw new Error(`The tenant ${host} ${key} was not stored`);
    await this.announce(id);
    return (await this.byId(id))!;
  }

  /** The tenant of a host's key, or undefined. */
  async byKey(host: string, key: string): Promise<Tenant | undefined> {
    const id = this.ids.get(keyOf(host, key)) ?? (await this.idOfKey(host, key));
    return id === undefined ? undefined : this.byId(id);
  }

  private async idOfKey(host: string, key: string): Promise<number | undefined> {
    const { tenants } = this.tables;
    const [row] = await this.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(and(eq(tenants.host, host), eq(tenants.tenantKey, key)))
      .limit(1);
    return row?.id;
  }

  /** The tenant with this id, or undefined. */
  async byId(id: number): Promise<Tenant | undefined> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const { tenants } = this.tables;
    const before = this.forgets.get(id) ?? 0;
    const allBefore = this.forgetAlls;
    const [row] = await this.db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
    const tenant = row ? await this.toTenant(row) : null;
    // A write (forget) while this was read: the answer may be stale, so it is not cached.
    const overtaken = (this.forgets.get(id) ?? 0) !== before || this.forgetAlls !== allBefore;
    if (this.cache.has(id) || overtaken) return tenant ?? undefined;
    this.cache.set(id, tenant);
    if (tenant) {
      this.publicIds.set(tenant.publicId, id);
      this.ids.set(keyOf(tenant.host, tenant.key), id);
    }
    return tenant ?? undefined;
  }

  /** Finds a tenant by the opaque id in its webhook URLs. */
  async byPublicId(publicId: string): Promise<Tenant | undefined> {
    const id = this.publicIds.get(publicId);
    if (id !== undefined) return this.byId(id);
    const { tenants } = this.tables;
    const [row] = await this.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.publicId, publicId)).limit(1);
    return row ? this.byId(row.id) : undefined;
  }

  /** Every tenant (of one host, when given). */
  async all(host?: string): Promise<Tenant[]> {
    const { tenants } = this.tables;
    const rows = await this.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(host === undefined ? undefined : eq(tenants.host, host));
    const all = await Promise.all(rows.map((row) => this.byId(row.id)));
    return all.filter((tenant): tenant is Tenant => tenant !== undefined);
  }

  /** Stored settings data of a tenant (`{}` when never saved). */
  async settings(tenantId: number): Promise<SettingsData> {
    const settingsTable = this.tables.settings;
    const [row] = await this.db
      .select({ data: settingsTable.data })
      .from(settingsTable)
      .where(tenantRows(settingsTable, tenantId))
      .limit(1);
    return (row ? JSON.parse(this.box.open(row.data)) : {}) as SettingsData;
  }

  /** Replaces the settings data of a tenant (sealed whole: its password fields are credentials). */
  async saveSettings(tenantId: number, data: SettingsData): Promise<void> {
    const json = this.box.seal(JSON.stringify(data));
    const settingsTable = this.tables.settings;
    await this.db
      .insert(settingsTable)
      .values({ tenantId, data: json, updatedAt: Date.now() })
      .onConflictDoUpdate({ target: settingsTable.tenantId, set: { data: json, updatedAt: Date.now() } });
    this.forget(tenantId);
    await this.announce(tenantId);
  }

  /**
   * Drops what the cache holds of a tenant, so the next read comes from the database (after a
   * write here, or, with several replicas, a write another one announced).
   */
  forget(tenantId: number): void {
    this.cache.delete(tenantId);
    // Reads already under way when this was called may return what was there before: not cached.
    this.forgets.set(tenantId, (this.forgets.get(tenantId) ?? 0) + 1);
  }

  /** Drops the whole cache (notifications of other replicas' writes may have been missed). */
  forgetAll(): void {
    this.cache.clear();
    this.forgetAlls++;
  }

  private async announce(tenantId: number): Promise<void> {
    // The write stands whatever happens here: a lost announcement is healed by the rescan on reconnection.
    await this.options.announce?.(tenantId);
  }

  private async toTenant(row: TenantRow): Promise<Tenant> {
    return {
      id: row.id,
      host: row.host,
      key: row.tenantKey,
      publicId: row.publicId,
      settings: await this.settings(row.id),
      ...(row.country == null ? {} : { country: row.country }),
    };
  }
}
