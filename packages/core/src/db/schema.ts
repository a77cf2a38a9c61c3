/**
 * @module db/schema — core's tables. Every tenant-owned row carries its tenant's `tenant_id`;
 * queries always filter by it.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantColumns } from "./tenant-rows.js";

/** Public keys of CRM token issuers, fetched once per (issuer origin, pkey). */
export const publicKeys = sqliteTable(
  "public_keys",
  {
    origin: text("origin").notNull(),
    keyId: text("key_id").notNull(),
    pem: text("pem").notNull(),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.origin, t.keyId] })],
);

/**
 * One row per tenant of any CRM host: `tenant_key` is the host's own name for it (opaque here),
 * `id` the narrow key every tenant-owned row carries. Ids are never reused.
 */
export const tenants = sqliteTable(
  "tenants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The CRM host the tenant belongs to (`salesrender`). */
    host: text("host").notNull(),
    /** The host's key of the tenant (SalesRender: the plugin reference, see `salesRenderTenantKey`). */
    tenantKey: text("tenant_key").notNull(),
    /** Random id used in webhook URLs; survives re-registration. */
    publicId: text("public_id").notNull(),
    /** The company's country as the host knows it (ISO 3166 alpha-2; SalesRender: the registration's). */
    country: text("country"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("tenants_host_key").on(t.host, t.tenantKey), uniqueIndex("tenants_public_id").on(t.publicId)],
);

/** One row per registered SalesRender plugin instance: its tenant, its plugin reference and what its registration carried. */
export const registrations = sqliteTable(
  "registrations",
  {
    tenantId: integer("tenant_id").primaryKey(),
    companyId: text("company_id").notNull(),
    pluginAlias: text("plugin_alias").notNull(),
    pluginId: text("plugin_id").notNull(),
    hpt: text("hpt").notNull(),
    clusterUri: text("cluster_uri").notNull(),
    country: text("country").notNull(),
    currency: text("currency").notNull(),
    registeredAt: integer("registered_at").notNull(),
    /**
     * Origin (scheme://host[:port]) of the `iss` that registered the tenant: every later token for
     * it must come from the same origin. NULL only for rows older than this column whose
     * cluster_uri could not be parsed; the next registration adopts its issuer.
     */
    issuer: text("issuer"),
    /** `iat` of the registration token in force: an older registration is refused (replay). */
    tokenIat: integer("token_iat"),
    /** `jti` of the registration token in force, when it had one. */
    tokenJti: text("token_jti"),
  },
  (t) => [uniqueIndex("registrations_reference").on(t.companyId, t.pluginAlias, t.pluginId)],
);

/** Settings form data per tenant, as JSON. */
export const settings = sqliteTable(
  "settings",
  {
    ...tenantColumns(),
    data: text("data").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId] })],
);

/** The durable send queue: one row per message the CRM handed us. */
export const outgoing = sqliteTable(
  "outgoing",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ...tenantColumns(),
    crmMessageId: text("crm_message_id"),
    /** JSON `{chat, message}` as accepted from the CRM. */
    payload: text("payload").notNull(),
    contact: text("contact").notNull(),
    /** queued | leased | sent | failed */
    state: text("state").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    leaseUntil: integer("lease_until"),
    lastError: text("last_error"),
    details: text("details"),
    /** JSON the host gave with the message (`messages.accept`'s `hostData`), carried into its statuses. */
    hostData: text("host_data"),
    /** What the row asks of the channel: `send` a message, or `edit` / `remove` the one at `target_id`. */
    action: text("action", { enum: ["send", "edit", "remove"] })
      .notNull()
      .default("send"),
    /** For `edit` / `remove`: the outgoing row of the message it changes (same tenant). */
    targetId: integer("target_id"),
    /** For `edit` / `remove`: the host's idempotency key of the operation, unique per target. */
    operationKey: text("operation_key"),
    /** Highest status reported to the CRM (0 none, 1 sent, 2 delivered, 3 read, 4 error). */
    statusRank: integer("status_rank").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    uniqueIndex("outgoing_crm_message")
      .on(t.tenantId, t.crmMessageId)
      .where(sql`crm_message_id IS NOT NULL`),
    // The worker claims due rows tenant by tenant; leased rows are found by the same prefix.
    index("outgoing_tenant_due").on(t.state, t.tenantId, t.nextAttemptAt),
    // One row per operation of a host event (an edit posted twice is stored once); followers found by target.
    uniqueIndex("outgoing_operation")
      .on(t.targetId, t.operationKey)
      .where(sql`target_id IS NOT NULL`),
  ],
);

/** Gateway message ids of an outgoing message (several when split), each with its own status. */
export const outgoingParts = sqliteTable(
  "outgoing_parts",
  {
    ...tenantColumns(),
    channelMessageId: text("gateway_message_id").notNull(),
    outgoingId: integer("outgoing_id").notNull(),
    statusRank: integer("status_rank").notNull().default(1),
    reason: text("reason"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channelMessageId] }), index("outgoing_parts_outgoing").on(t.outgoingId)],
);

/**
 * Parts the channel already took of a message still being sent (`ctx.parts`): a retry, or the
 * next process after a crash, sends only the rest. Cleared in the transaction that finishes the
 * message (sent, or failed for good).
 */
export const outgoingSendParts = sqliteTable(
  "outgoing_send_parts",
  {
    outgoingId: integer("outgoing_id")
      .notNull()
      .references(() => outgoing.id, { onDelete: "cascade" }),
    partIndex: integer("part_index").notNull(),
    channelMessageId: text("channel_message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.outgoingId, t.partIndex] })],
);

/** Requests to the CRM (incoming messages, statuses), stored first and sent with retries. */
export const crmOutbox = sqliteTable(
  "crm_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ...tenantColumns(),
    /** The two kinds of request a chat plugin makes to the CRM (§6.1, §6.2); a type only, no CHECK. */
    kind: text("kind", { enum: ["incoming", "status"] }).notNull(),
    /** The `body` claim of the request, as JSON. */
    body: text("body").notNull(),
    /** Requests with the same key are delivered one at a time, in insertion order. */
    orderKey: text("order_key").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    index("crm_outbox_order").on(t.orderKey, t.id),
    // The outbox looks for due heads tenant by tenant.
    index("crm_outbox_tenant_due").on(t.tenantId, t.nextAttemptAt),
  ],
);

/** External event ids already handled (Telegram update_id, Twilio MessageSid, Message-ID). */
export const seenEvents = sqliteTable(
  "seen_events",
  {
    ...tenantColumns(),
    scope: text("scope").notNull(),
    externalId: text("external_id").notNull(),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.scope, t.externalId] })],
);

/** Files stored for signed links (e.g. email attachments), on disk under the files directory. */
export const storedFiles = sqliteTable(
  "stored_files",
  {
    id: text("id").primaryKey(),
    ...tenantColumns(),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("stored_files_created").on(t.createdAt)],
);

/** Deployment-wide values, e.g. the secret that signs file links. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
