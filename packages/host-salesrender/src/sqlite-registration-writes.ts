/**
 * @module sqlite-registration-writes — {@link RegistrationWrites} on SQLite: one synchronous
 * better-sqlite3 transaction (nothing else can run between its statements on the one connection).
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database, SecretBox } from "@switchboard/core";
import { registrations, seenEvents, tenants } from "@switchboard/core/internal";
import type { RegistrationInput, RegistrationOutcome, RegistrationWrites } from "./registration-writes.js";
import { SALESRENDER_HOST, type PluginReference } from "./reference.js";

/** seen_events scope of the registration token ids already used per tenant. */
const REGISTRATION_JTI_SCOPE = "registration";

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

const byRef = (ref: PluginReference) =>
  and(
    eq(registrations.companyId, ref.companyId),
    eq(registrations.pluginAlias, ref.pluginAlias),
    eq(registrations.pluginId, ref.pluginId),
  );

/** Registrations' transaction on SQLite; HPTs are sealed before they are written. */
export class SqliteRegistrationWrites implements RegistrationWrites {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  register(
    ref: PluginReference,
    tenantKey: string,
    input: RegistrationInput,
    now: number,
  ): Promise<RegistrationOutcome> {
    try {
      return Promise.resolve(this.db.transaction((tx) => this.registerIn(tx, ref, tenantKey, input, now)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private registerIn(
    tx: Transaction,
    ref: PluginReference,
    tenantKey: string,
    input: RegistrationInput,
    now: number,
  ): RegistrationOutcome {
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
    const known = existing?.tenantId ?? this.tenantOf(tx, tenantKey);
    const claimJti = (tenantId: number) =>
      tx
        .insert(seenEvents)
        .values({ tenantId, scope: REGISTRATION_JTI_SCOPE, externalId: input.jti!, seenAt: now })
        .onConflictDoNothing()
        .run().changes > 0;
    // Every refusal comes before the tenant is touched: nothing below refuses.
    if (input.jti !== undefined && known !== undefined && !claimJti(known)) return { refusal: "replayed" };
    const tenantId = this.openTenant(tx, tenantKey, input.country, now);
    // A tenant is new only with its first registration: no token id can have been seen for it.
    if (input.jti !== undefined && known === undefined) claimJti(tenantId);
    const row: typeof registrations.$inferSelect = {
      tenantId,
      ...ref,
      hpt: this.box.seal(input.hpt),
      clusterUri: input.clusterUri,
      country: input.country,
      currency: input.currency,
      registeredAt: Math.floor(now / 1000),
      issuer: input.issuer,
      tokenIat: input.iat ?? null,
      tokenJti: input.jti ?? null,
    };
    const { tenantId: _id, ...changed } = row;
    tx.insert(registrations).values(row).onConflictDoUpdate({ target: registrations.tenantId, set: changed }).run();
    return { tenantId, adoptedIssuer: existing !== undefined && existing.issuer == null };
  }

  private tenantOf(tx: Transaction, tenantKey: string): number | undefined {
    return tx
      .select({ id: tenants.id })
      .from(tenants)
      .where(and(eq(tenants.host, SALESRENDER_HOST), eq(tenants.tenantKey, tenantKey)))
      .get()?.id;
  }

  /**
   * Core's tenant of the key, created (with a random public id, as core's TenantStore creates one)
   * or given the registration's country, in this transaction: with the registration or not at all.
   */
  private openTenant(tx: Transaction, tenantKey: string, country: string, now: number): number {
    return tx
      .insert(tenants)
      .values({
        host: SALESRENDER_HOST,
        tenantKey,
        publicId: randomBytes(16).toString("base64url"),
        country,
        createdAt: now,
      })
      .onConflictDoUpdate({ target: [tenants.host, tenants.tenantKey], set: { country } })
      .returning({ id: tenants.id })
      .get().id;
  }
}
