/**
 * @module registrations — SalesRender registrations (§5.2): the plugin reference, the HPT that
 * signs our requests, the CRM cluster and the issuer each tenant is pinned to.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Database, HostRuntime, SecretBox, Tenant } from "@switchboard/core";
import { registrations, seenEvents } from "@switchboard/core/internal";
import { salesRenderTenantKey, type PluginReference } from "./reference.js";

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

/** seen_events scope of the registration token ids already used per tenant. */
const REGISTRATION_JTI_SCOPE = "registration";

type RegistrationRow = typeof registrations.$inferSelect;
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

/** Reads and writes registrations; HPTs are sealed at rest, callers only ever see them open. */
export class RegistrationStore {
  private readonly secrets = new Map<number, RegistrationSecrets>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly tenants: HostRuntime["tenants"],
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
      const key = salesRenderTenantKey(ref);
      const known = existing?.tenantId ?? this.tenants.get(key)?.id;
      const claimJti = (tenantId: number) =>
        tx
          .insert(seenEvents)
          .values({ tenantId, scope: REGISTRATION_JTI_SCOPE, externalId: input.jti!, seenAt: Date.now() })
          .onConflictDoNothing()
          .run().changes > 0;
      // Every refusal comes before the tenant is touched: nothing below refuses.
      if (input.jti !== undefined && known !== undefined && !claimJti(known)) return { refusal: "replayed" };
      // On this transaction's connection: created (or its country updated) with the registration or not at all.
      const tenantId = this.tenants.open(key, { country: input.country }).id;
      // A tenant is new only with its first registration: no token id can have been seen for it.
      if (input.jti !== undefined && known === undefined) claimJti(tenantId);
      this.write(tx, tenantId, ref, input);
      return { tenantId, adoptedIssuer: existing !== undefined && existing.issuer == null };
    });
    if ("refusal" in outcome) return { ok: false, refusal: outcome.refusal };
    if (!outcome.unchanged) this.secrets.delete(outcome.tenantId);
    return { ok: true, tenant: this.tenants.byId(outcome.tenantId)!, adoptedIssuer: outcome.adoptedIssuer };
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

  /** The registered tenant a plugin reference names, or undefined when it never registered. */
  byReference(ref: PluginReference): Tenant | undefined {
    const tenant = this.tenants.get(salesRenderTenantKey(ref));
    return tenant && this.credentials(tenant.id) ? tenant : undefined;
  }

  /**
   * The plugin reference, registration secret, CRM address and pinned issuer of a tenant (never
   * exposed to gateways).
   */
  credentials(tenantId: number): RegistrationSecrets | undefined {
    let creds = this.secrets.get(tenantId);
    if (!creds) {
      const row = this.db.select().from(registrations).where(eq(registrations.tenantId, tenantId)).get();
      // Cached because every delivery signs with it; registration replaces it.
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
}
