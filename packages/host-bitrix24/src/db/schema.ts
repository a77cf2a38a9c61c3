/**
 * @module db/schema — the Bitrix24 host's own tables, defined once for SQLite and PostgreSQL
 * (migrations in `packages/host-bitrix24/drizzle` and `drizzle-pg`, applied after core's; the
 * PostgreSQL tables in `schema.pg.ts`). Regenerate both after a change:
 * `pnpm --filter @switchboard/host-bitrix24 db:generate --name <what>`.
 */
import { defineTables } from "@switchboard/core";

/** The Bitrix24 host's tables for both dialects: `bitrix24Tables.for(db)` in portable code. */
export const bitrix24Tables = defineTables((t) => ({
  /**
   * One installed portal, keyed by `member_id` (stays the same when the portal's domain changes).
   * The OAuth tokens and the application token are sealed with core's SecretBox; the application
   * token's sha256 lets an event be checked without opening anything. After an uninstall the token
   * columns are empty and `uninstalled_at` is set: the row stays so the lines' history makes sense.
   */
  bitrix24Portals: t.table("bitrix24_portals", (c) => ({
    memberId: c.text("member_id").primaryKey(),
    domain: c.text("domain").notNull(),
    /** `https://<portal>/rest/`: where REST calls go. */
    clientEndpoint: c.text("client_endpoint").notNull(),
    serverEndpoint: c.text("server_endpoint"),
    accessToken: c.text("access_token"),
    refreshToken: c.text("refresh_token"),
    /** When the access token expires, ms since the epoch. */
    expiresAt: c.bigint("expires_at"),
    applicationToken: c.text("application_token"),
    /** sha256 (hex) of the application token, compared in constant time on every event. */
    applicationTokenSha256: c.text("application_token_sha256"),
    scope: c.text("scope"),
    /** The portal's licence status (`L`, `F`, `D`, `T`, `P`). */
    status: c.text("status"),
    /** The portal's language at install (`ru`, `en`, …). */
    languageId: c.text("language_id"),
    /** The refresh token was refused (`invalid_grant`): nothing is sent until it is re-authorised. */
    needsReauth: c.boolean("needs_reauth").notNull().default(false),
    lastError: c.text("last_error"),
    installedAt: c.bigint("installed_at").notNull(),
    uninstalledAt: c.bigint("uninstalled_at"),
    updatedAt: c.bigint("updated_at").notNull(),
  })),

  /**
   * One Open Line of a portal connected to this gateway: a tenant (key `<member_id>/<line>`). The
   * flags are what the settings page shows and what Bitrix24 raises with activate / connector.data.set.
   */
  bitrix24Lines: t.table(
    "bitrix24_lines",
    (c) => ({
      tenantId: c.integer("tenant_id").primaryKey(),
      memberId: c.text("member_id").notNull(),
      line: c.integer("line").notNull(),
      active: c.boolean("active").notNull().default(false),
      connected: c.boolean("connected").notNull().default(false),
      registered: c.boolean("registered").notNull().default(false),
      lastError: c.text("last_error"),
      updatedAt: c.bigint("updated_at").notNull(),
    }),
    // Also serves "every line of a portal" (its prefix).
    (x, k) => [k.uniqueIndex("bitrix24_lines_member_line").on(x.memberId, x.line)],
  ),
}));

export const { bitrix24Portals, bitrix24Lines } = bitrix24Tables.sqlite;

/** The columns holding sealed secrets, re-sealed when SWITCHBOARD_SECRET_KEY rotates. */
export const SECRET_COLUMNS = [
  bitrix24Portals.accessToken,
  bitrix24Portals.refreshToken,
  bitrix24Portals.applicationToken,
];
