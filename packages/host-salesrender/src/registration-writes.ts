/**
 * @module registration-writes — the one multi-statement transaction of SalesRender registrations:
 * check the registration in force, claim the token id, open the tenant and store the row, all or
 * nothing. One interface, one class per database (`SqliteRegistrationWrites`; `PgRegistrationWrites`
 * is phase 2, see below).
 */
import type { PluginReference } from "./reference.js";

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

/** What one registration transaction did. */
export type RegistrationOutcome =
  | { refusal: RegistrationRefusal }
  | {
      tenantId: number;
      /** A legacy row (no issuer yet) was pinned to this token's issuer. */
      adoptedIssuer: boolean;
      /** The CRM re-sent the registration in force: nothing was written. */
      unchanged?: true;
    };

/**
 * Registers a plugin reference in one transaction. Refused, with nothing changed, when the tenant is
 * pinned to another issuer, or the token is older than one already used, or was used before; the
 * tenant (core's `tenants` row of host `salesrender`, key `tenantKey`) is created, or its country
 * replaced, only with the registration.
 *
 * A PostgreSQL implementation runs the same statements on one pooled client between BEGIN and
 * COMMIT, first taking `pg_advisory_xact_lock` on the tenant key (two replicas registering the same
 * new reference would otherwise both find no row), the token id claimed with `INSERT … ON CONFLICT
 * DO NOTHING RETURNING`, the tenant with `INSERT … ON CONFLICT (host, tenant_key) DO UPDATE SET
 * country = excluded.country RETURNING id`, and a `pg_notify` of the tenant so other replicas drop
 * their cached copy on commit.
 */
export interface RegistrationWrites {
  register(
    ref: PluginReference,
    tenantKey: string,
    input: RegistrationInput,
    now: number,
  ): Promise<RegistrationOutcome>;
}
