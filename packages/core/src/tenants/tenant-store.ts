/**
 * @module tenants/tenant-store — registrations and settings per plugin reference, cached in memory
 * (this process is the only writer of its database).
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { registrations, settings as settingsTable } from "../db/schema.js";
import type { Tenant } from "../gateway/types.js";
import { referenceKey, type PluginReference } from "../protocol/reference.js";
import type { SettingsData } from "../settings/form.js";

/** What a registration token carries that we keep. */
export interface RegistrationInput {
  hpt: string;
  clusterUri: string;
  country: string;
  currency: string;
}

type RegistrationRow = typeof registrations.$inferSelect;

const byRef = (ref: PluginReference) =>
  and(
    eq(registrations.companyId, ref.companyId),
    eq(registrations.pluginAlias, ref.pluginAlias),
    eq(registrations.pluginId, ref.pluginId),
  );

/** Reads and writes tenants; every read is scoped by a plugin reference or a public id. */
export class TenantStore<S extends SettingsData = SettingsData> {
  private readonly cache = new Map<string, Tenant<S> | null>();
  private readonly publicIds = new Map<string, string>();
  private readonly secrets = new Map<string, { hpt: string; clusterUri: string }>();

  constructor(private readonly db: Database) {}

  /** Creates or replaces a registration; the public id survives re-registration. */
  register(ref: PluginReference, input: RegistrationInput): Tenant<S> {
    const existing = this.db.select().from(registrations).where(byRef(ref)).get();
    const row: RegistrationRow = {
      ...ref,
      publicId: existing?.publicId ?? randomBytes(16).toString("base64url"),
      hpt: input.hpt,
      clusterUri: input.clusterUri,
      country: input.country,
      currency: input.currency,
      registeredAt: Math.floor(Date.now() / 1000),
    };
    this.db
      .insert(registrations)
      .values(row)
      .onConflictDoUpdate({
        target: [registrations.companyId, registrations.pluginAlias, registrations.pluginId],
        set: {
          hpt: row.hpt,
          clusterUri: row.clusterUri,
          country: row.country,
          currency: row.currency,
          registeredAt: row.registeredAt,
        },
      })
      .run();
    this.cache.delete(referenceKey(ref));
    this.secrets.delete(referenceKey(ref));
    return this.get(ref)!;
  }

  /** The tenant of a reference, or undefined when it never registered. */
  get(ref: PluginReference): Tenant<S> | undefined {
    const key = referenceKey(ref);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.db.select().from(registrations).where(byRef(ref)).get();
    const tenant = row ? this.toTenant(row) : null;
    this.cache.set(key, tenant);
    if (tenant) this.publicIds.set(tenant.publicId, key);
    return tenant ?? undefined;
  }

  /** The registration secret and CRM address of a tenant (never exposed to gateways). */
  credentials(ref: PluginReference): { hpt: string; clusterUri: string } | undefined {
    const key = referenceKey(ref);
    let creds = this.secrets.get(key);
    if (!creds) {
      creds = this.db
        .select({ hpt: registrations.hpt, clusterUri: registrations.clusterUri })
        .from(registrations)
        .where(byRef(ref))
        .get();
      // Cached because the outbox signs every request with it; registration replaces it.
      if (creds) this.secrets.set(key, creds);
    }
    return creds;
  }

  /** Finds a tenant by the opaque id in its webhook URLs. */
  byPublicId(publicId: string): Tenant<S> | undefined {
    const key = this.publicIds.get(publicId);
    if (key) {
      const cached = this.cache.get(key);
      if (cached) return cached;
    }
    const row = this.db.select().from(registrations).where(eq(registrations.publicId, publicId)).get();
    return row ? this.get(row) : undefined;
  }

  /** Every registered tenant. */
  all(): Tenant<S>[] {
    return this.db
      .select()
      .from(registrations)
      .all()
      .map((row) => this.get(row)!)
      .filter(Boolean);
  }

  /** Stored settings data of a reference (`{}` when never saved). */
  settings(ref: PluginReference): S {
    const row = this.db
      .select({ data: settingsTable.data })
      .from(settingsTable)
      .where(
        and(
          eq(settingsTable.companyId, ref.companyId),
          eq(settingsTable.pluginAlias, ref.pluginAlias),
          eq(settingsTable.pluginId, ref.pluginId),
        ),
      )
      .get();
    return (row ? JSON.parse(row.data) : {}) as S;
  }

  /** Replaces the settings data of a reference. */
  saveSettings(ref: PluginReference, data: S): void {
    const json = JSON.stringify(data);
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

  private toTenant(row: RegistrationRow): Tenant<S> {
    const ref = { companyId: row.companyId, pluginAlias: row.pluginAlias, pluginId: row.pluginId };
    return {
      ref,
      publicId: row.publicId,
      settings: this.settings(ref),
      registration: { country: row.country, currency: row.currency, clusterUri: row.clusterUri },
    };
  }
}
