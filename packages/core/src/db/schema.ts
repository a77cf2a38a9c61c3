/**
 * @module db/schema — core's tables, defined once for SQLite and PostgreSQL (`coreTables`; the
 * SQLite ones re-exported by name, what the SQLite migrations in `drizzle/` come from; the
 * PostgreSQL ones in `schema.pg.ts`). Every tenant-owned row carries its tenant's `tenant_id`;
 * queries always filter by it.
 */
import { sql } from "drizzle-orm";
import { defineTables } from "./dialect-tables.js";
import { tenantColumns } from "./tenant-rows.js";

/** Core's tables for both dialects: `coreTables.for(db)` in portable code. */
export const coreTables = defineTables((t) => {
  /** Public keys of CRM token issuers, fetched once per (issuer origin, pkey). */
  const publicKeys = t.table(
    "public_keys",
    (c) => ({
      origin: c.text("origin").notNull(),
      keyId: c.text("key_id").notNull(),
      pem: c.text("pem").notNull(),
      fetchedAt: c.bigint("fetched_at").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.origin, x.keyId] })],
  );

  /**
   * One row per tenant of any CRM host: `tenant_key` is the host's own name for it (opaque here),
   * `id` the narrow key every tenant-owned row carries. Ids are never reused.
   */
  const tenants = t.table(
    "tenants",
    (c) => ({
      id: c.id("id"),
      /** The CRM host the tenant belongs to (`salesrender`). */
      host: c.text("host").notNull(),
      /** The host's key of the tenant (SalesRender: the plugin reference, see `salesRenderTenantKey`). */
      tenantKey: c.text("tenant_key").notNull(),
      /** Random id used in webhook URLs; survives re-registration. */
      publicId: c.text("public_id").notNull(),
      /** The company's country as the host knows it (ISO 3166 alpha-2; SalesRender: the registration's). */
      country: c.text("country"),
      createdAt: c.bigint("created_at").notNull(),
    }),
    (x, k) => [
      k.uniqueIndex("tenants_host_key").on(x.host, x.tenantKey),
      k.uniqueIndex("tenants_public_id").on(x.publicId),
    ],
  );

  /** One row per registered SalesRender plugin instance: its tenant, its plugin reference and what its registration carried. */
  const registrations = t.table(
    "registrations",
    (c) => ({
      tenantId: c.integer("tenant_id").primaryKey(),
      companyId: c.text("company_id").notNull(),
      pluginAlias: c.text("plugin_alias").notNull(),
      pluginId: c.text("plugin_id").notNull(),
      hpt: c.text("hpt").notNull(),
      clusterUri: c.text("cluster_uri").notNull(),
      country: c.text("country").notNull(),
      currency: c.text("currency").notNull(),
      registeredAt: c.bigint("registered_at").notNull(),
      /**
       * Origin (scheme://host[:port]) of the `iss` that registered the tenant: every later token for
       * it must come from the same origin. NULL only for rows older than this column whose
       * cluster_uri could not be parsed; the next registration adopts its issuer.
       */
      issuer: c.text("issuer"),
      /** `iat` of the registration token in force: an older registration is refused (replay). */
      tokenIat: c.bigint("token_iat"),
      /** `jti` of the registration token in force, when it had one. */
      tokenJti: c.text("token_jti"),
    }),
    (x, k) => [k.uniqueIndex("registrations_reference").on(x.companyId, x.pluginAlias, x.pluginId)],
  );

  /** Settings form data per tenant, as JSON. */
  const settings = t.table(
    "settings",
    (c) => ({
      ...tenantColumns(c),
      data: c.text("data").notNull(),
      updatedAt: c.bigint("updated_at").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.tenantId] })],
  );

  /** The durable send queue: one row per message the CRM handed us. */
  const outgoing = t.table(
    "outgoing",
    (c) => ({
      id: c.bigId("id"),
      ...tenantColumns(c),
      crmMessageId: c.text("crm_message_id"),
      /** JSON `{chat, message}` as accepted from the CRM. */
      payload: c.text("payload").notNull(),
      contact: c.text("contact").notNull(),
      /** queued | leased | sent | failed */
      state: c.text("state").notNull().default("queued"),
      attempts: c.integer("attempts").notNull().default(0),
      nextAttemptAt: c.bigint("next_attempt_at").notNull(),
      leaseUntil: c.bigint("lease_until"),
      lastError: c.text("last_error"),
      details: c.text("details"),
      /** JSON the host gave with the message (`messages.accept`'s `hostData`), carried into its statuses. */
      hostData: c.text("host_data"),
      /** What the row asks of the channel: `send` a message, or `edit` / `remove` the one at `target_id`. */
      action: c
        .text("action", { enum: ["send", "edit", "remove"] })
        .notNull()
        .default("send"),
      /** For `edit` / `remove`: the outgoing row of the message it changes (same tenant). */
      targetId: c.bigint("target_id"),
      /** For `edit` / `remove`: the host's idempotency key of the operation, unique per target. */
      operationKey: c.text("operation_key"),
      /** Highest status reported to the CRM (0 none, 1 sent, 2 delivered, 3 read, 4 error). */
      statusRank: c.integer("status_rank").notNull().default(0),
      createdAt: c.bigint("created_at").notNull(),
      finishedAt: c.bigint("finished_at"),
    }),
    (x, k) => [
      k
        .uniqueIndex("outgoing_crm_message")
        .on(x.tenantId, x.crmMessageId)
        .where(sql`crm_message_id IS NOT NULL`),
      // The worker claims due rows tenant by tenant, oldest first (ORDER BY next_attempt_at, id);
      // leased rows are found by the same prefix.
      k.index("outgoing_tenant_due").on(x.state, x.tenantId, x.nextAttemptAt, ...k.rowid(x.id)),
      // One row per operation of a host event (an edit posted twice is stored once); followers found by target.
      k
        .uniqueIndex("outgoing_operation")
        .on(x.targetId, x.operationKey)
        .where(sql`target_id IS NOT NULL`),
      // The retention pass finds finished messages by age; unfinished ones are not in it.
      k
        .index("outgoing_finished")
        .on(x.finishedAt)
        .where(sql`finished_at IS NOT NULL`),
    ],
  );

  /** Gateway message ids of an outgoing message (several when split), each with its own status. */
  const outgoingParts = t.table(
    "outgoing_parts",
    (c) => ({
      ...tenantColumns(c),
      channelMessageId: c.text("gateway_message_id").notNull(),
      outgoingId: c.bigint("outgoing_id").notNull(),
      statusRank: c.integer("status_rank").notNull().default(1),
      reason: c.text("reason"),
      // The order the parts were recorded in: SQLite reads them by rowid, PostgreSQL has none.
      ...c.postgresOnly((pg) => ({ seq: pg.bigint("seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity() })),
    }),
    (x, k) => [
      k.primaryKey({ columns: [x.tenantId, x.channelMessageId] }),
      k.index("outgoing_parts_outgoing").on(x.outgoingId),
    ],
  );

  /**
   * Parts the channel already took of a message still being sent (`ctx.parts`): a retry, or the
   * next process after a crash, sends only the rest. Cleared in the transaction that finishes the
   * message (sent, or failed for good).
   */
  const outgoingSendParts = t.table(
    "outgoing_send_parts",
    (c) => ({
      outgoingId: c
        .bigint("outgoing_id")
        .notNull()
        .references(() => outgoing.id, { onDelete: "cascade" }),
      partIndex: c.integer("part_index").notNull(),
      channelMessageId: c.text("channel_message_id").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.outgoingId, x.partIndex] })],
  );

  /** Requests to the CRM (incoming messages, statuses), stored first and sent with retries. */
  const crmOutbox = t.table(
    "crm_outbox",
    (c) => ({
      id: c.bigId("id"),
      ...tenantColumns(c),
      /** The two kinds of request a chat plugin makes to the CRM (§6.1, §6.2); a type only, no CHECK. */
      kind: c.text("kind", { enum: ["incoming", "status"] }).notNull(),
      /** The `body` claim of the request, as JSON. */
      body: c.text("body").notNull(),
      /** Requests with the same key are delivered one at a time, in insertion order. */
      orderKey: c.text("order_key").notNull(),
      attempts: c.integer("attempts").notNull().default(0),
      nextAttemptAt: c.bigint("next_attempt_at").notNull(),
      lastError: c.text("last_error"),
      createdAt: c.bigint("created_at").notNull(),
      expiresAt: c.bigint("expires_at").notNull(),
    }),
    (x, k) => [
      k.index("crm_outbox_order").on(x.orderKey, x.id),
      // The outbox looks for due heads tenant by tenant (ORDER BY next_attempt_at, id).
      k.index("crm_outbox_tenant_due").on(x.tenantId, x.nextAttemptAt, ...k.rowid(x.id)),
    ],
  );

  /** External event ids already handled (Telegram update_id, Twilio MessageSid, Message-ID). */
  const seenEvents = t.table(
    "seen_events",
    (c) => ({
      ...tenantColumns(c),
      scope: c.text("scope").notNull(),
      externalId: c.text("external_id").notNull(),
      seenAt: c.bigint("seen_at").notNull(),
    }),
    (x, k) => [
      k.primaryKey({ columns: [x.tenantId, x.scope, x.externalId] }),
      // The retention pass finds old ids by age.
      k.index("seen_events_seen").on(x.seenAt),
    ],
  );

  /**
   * Files stored for signed links (e.g. email attachments): their metadata. The content is on disk
   * under the files directory, or, on PostgreSQL without one, in `stored_file_contents`.
   */
  const storedFiles = t.table(
    "stored_files",
    (c) => ({
      id: c.text("id").primaryKey(),
      ...tenantColumns(c),
      name: c.text("name").notNull(),
      contentType: c.text("content_type").notNull(),
      size: c.bigint("size").notNull(),
      createdAt: c.bigint("created_at").notNull(),
    }),
    (x, k) => [k.index("stored_files_created").on(x.createdAt)],
  );

  /** Deployment-wide values, e.g. the secret that signs file links. */
  const meta = t.table("meta", (c) => ({
    key: c.text("key").primaryKey(),
    value: c.text("value").notNull(),
  }));

  return {
    publicKeys,
    tenants,
    registrations,
    settings,
    outgoing,
    outgoingParts,
    outgoingSendParts,
    crmOutbox,
    seenEvents,
    storedFiles,
    meta,
  };
});

export const {
  publicKeys,
  tenants,
  registrations,
  settings,
  outgoing,
  outgoingParts,
  outgoingSendParts,
  crmOutbox,
  seenEvents,
  storedFiles,
  meta,
} = coreTables.sqlite;
