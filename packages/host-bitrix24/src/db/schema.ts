/**
 * @module db/schema — the Bitrix24 host's own tables (migrations in `packages/host-bitrix24/drizzle`,
 * applied after core's). Regenerate after a change: `pnpm --filter @switchboard/host-bitrix24 db:generate --name <what>`.
 */
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * One installed portal, keyed by `member_id` (stays the same when the portal's domain changes).
 * The OAuth tokens and the application token are sealed with core's SecretBox; the application
 * token's sha256 lets an event be checked without opening anything. After an uninstall the token
 * columns are empty and `uninstalled_at` is set: the row stays so the lines' history makes sense.
 */
export const bitrix24Portals = sqliteTable("bitrix24_portals", {
  memberId: text("member_id").primaryKey(),
  domain: text("domain").notNull(),
  /** `https://<portal>/rest/`: where REST calls go. */
  clientEndpoint: text("client_endpoint").notNull(),
  serverEndpoint: text("server_endpoint"),
  accessToken: text("access_token"),
  refreshToken: text("refresh_token"),
  /** When the access token expires, ms since the epoch. */
  expiresAt: integer("expires_at"),
  applicationToken: text("application_token"),
  /** sha256 (hex) of the application token, compared in constant time on every event. */
  applicationTokenSha256: text("application_token_sha256"),
  scope: text("scope"),
  /** The portal's licence status (`L`, `F`, `D`, `T`, `P`). */
  status: text("status"),
  /** The portal's language at install (`ru`, `en`, …). */
  languageId: text("language_id"),
  /** The refresh token was refused (`invalid_grant`): nothing is sent until it is re-authorised. */
  needsReauth: integer("needs_reauth", { mode: "boolean" }).notNull().default(false),
  lastError: text("last_error"),
  installedAt: integer("installed_at").notNull(),
  uninstalledAt: integer("uninstalled_at"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One Open Line of a portal connected to this gateway: a tenant (key `<member_id>/<line>`). The
 * flags are what the settings page shows and what Bitrix24 raises with activate / connector.data.set.
 */
export const bitrix24Lines = sqliteTable(
  "bitrix24_lines",
  {
    tenantId: integer("tenant_id").primaryKey(),
    memberId: text("member_id").notNull(),
    line: integer("line").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(false),
    connected: integer("connected", { mode: "boolean" }).notNull().default(false),
    registered: integer("registered", { mode: "boolean" }).notNull().default(false),
    lastError: text("last_error"),
    updatedAt: integer("updated_at").notNull(),
  },
  // Also serves "every line of a portal" (its prefix).
  (t) => [uniqueIndex("bitrix24_lines_member_line").on(t.memberId, t.line)],
);

/** The columns holding sealed secrets, re-sealed when SWITCHBOARD_SECRET_KEY rotates. */
export const SECRET_COLUMNS = [
  bitrix24Portals.accessToken,
  bitrix24Portals.refreshToken,
  bitrix24Portals.applicationToken,
];
