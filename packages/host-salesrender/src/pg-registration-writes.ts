/**
 * @module pg-registration-writes — {@link RegistrationWrites} on PostgreSQL: the statements of
 * SQLite's transaction on one pooled client between BEGIN and COMMIT, serialised per tenant key
 * by a transaction-scoped advisory lock (two replicas registering the same new reference would
 * otherwise both find no row), and a `tenant` notification so other replicas drop their cached
 * copy of the tenant when it commits.
 */
import { randomBytes } from "node:crypto";
import type { SecretBox } from "@switchboard/core";
import { inPgTransaction, notifyQuery, type PgQueryable, type PostgresDatabase } from "@switchboard/core/internal";
import type { RegistrationInput, RegistrationOutcome, RegistrationWrites } from "./registration-writes.js";
import { SALESRENDER_HOST, type PluginReference } from "./reference.js";

/** seen_events scope of the registration token ids already used per tenant (as on SQLite). */
const REGISTRATION_JTI_SCOPE = "registration";

interface ExistingRow {
  tenant_id: number;
  issuer: string | null;
  token_iat: string | number | null;
  token_jti: string | null;
}

/** Registrations' transaction on PostgreSQL; HPTs are sealed before they are written. */
export class PgRegistrationWrites implements RegistrationWrites {
  constructor(
    private readonly db: Pick<PostgresDatabase, "$client">,
    private readonly box: SecretBox,
  ) {}

  register(
    ref: PluginReference,
    tenantKey: string,
    input: RegistrationInput,
    now: number,
  ): Promise<RegistrationOutcome> {
    return inPgTransaction(this.db.$client, (client) => this.registerIn(client, ref, tenantKey, input, now));
  }

  private async registerIn(
    client: PgQueryable,
    ref: PluginReference,
    tenantKey: string,
    input: RegistrationInput,
    now: number,
  ): Promise<RegistrationOutcome> {
    // hashtextextended: a 64-bit key of the tenant key, in the namespace of this host's name.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`${SALESRENDER_HOST}\n${tenantKey}`]);
    const existing = (
      await client.query<ExistingRow>(
        `SELECT tenant_id, issuer, token_iat, token_jti FROM registrations
          WHERE company_id = $1 AND plugin_alias = $2 AND plugin_id = $3`,
        [ref.companyId, ref.pluginAlias, ref.pluginId],
      )
    ).rows[0];
    const existingIat = existing?.token_iat == null ? null : Number(existing.token_iat);
    if (existing?.issuer != null && existing.issuer !== input.issuer) return { refusal: "foreign-issuer" };
    // A token without iat cannot prove it is newer than one that had it.
    if (existingIat != null && (input.iat === undefined || input.iat < existingIat)) return { refusal: "outdated" };
    // The CRM retrying the registration in force (its answer was lost) changes nothing: not a replay.
    if (input.jti !== undefined && existing?.token_jti === input.jti && existing.issuer === input.issuer) {
      return { tenantId: existing.tenant_id, adoptedIssuer: false, unchanged: true };
    }
    const known = existing?.tenant_id ?? (await this.tenantOf(client, tenantKey));
    const claimJti = async (tenantId: number) =>
      ((
        await client.query(
          `INSERT INTO seen_events (tenant_id, scope, external_id, seen_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [tenantId, REGISTRATION_JTI_SCOPE, input.jti!, now],
        )
      ).rowCount ?? 0) > 0;
    // Every refusal comes before the tenant is touched: nothing below refuses.
    if (input.jti !== undefined && known !== undefined && !(await claimJti(known))) return { refusal: "replayed" };
    const tenantId = await this.openTenant(client, tenantKey, input.country, now);
    // A tenant is new only with its first registration: no token id can have been seen for it.
    if (input.jti !== undefined && known === undefined) await claimJti(tenantId);
    await client.query(
      `INSERT INTO registrations (tenant_id, company_id, plugin_alias, plugin_id, hpt, cluster_uri, country,
                                  currency, registered_at, issuer, token_iat, token_jti)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (tenant_id) DO UPDATE SET company_id = excluded.company_id, plugin_alias = excluded.plugin_alias,
         plugin_id = excluded.plugin_id, hpt = excluded.hpt, cluster_uri = excluded.cluster_uri,
         country = excluded.country, currency = excluded.currency, registered_at = excluded.registered_at,
         issuer = excluded.issuer, token_iat = excluded.token_iat, token_jti = excluded.token_jti`,
      [
        tenantId,
        ref.companyId,
        ref.pluginAlias,
        ref.pluginId,
        this.box.seal(input.hpt),
        input.clusterUri,
        input.country,
        input.currency,
        Math.floor(now / 1000),
        input.issuer,
        input.iat ?? null,
        input.jti ?? null,
      ],
    );
    // Fires on COMMIT only: every replica reads the tenant (its country) afresh.
    await client.query(notifyQuery("tenant", tenantId));
    return { tenantId, adoptedIssuer: existing !== undefined && existing.issuer == null };
  }

  private async tenantOf(client: PgQueryable, tenantKey: string): Promise<number | undefined> {
    const { rows } = await client.query<{ id: number }>("SELECT id FROM tenants WHERE host = $1 AND tenant_key = $2", [
      SALESRENDER_HOST,
      tenantKey,
    ]);
    return rows[0]?.id;
  }

  /** Core's tenant of the key, created (with a random public id) or given the registration's country. */
  private async openTenant(client: PgQueryable, tenantKey: string, country: string, now: number): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO tenants (host, tenant_key, public_id, country, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (host, tenant_key) DO UPDATE SET country = excluded.country RETURNING id`,
      [SALESRENDER_HOST, tenantKey, randomBytes(16).toString("base64url"), country, now],
    );
    return rows[0]!.id;
  }
}
