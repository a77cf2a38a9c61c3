/**
 * @module gateway/runtime — the services core hands a gateway (see `GatewayRuntime`).
 */
import type { Statement } from "better-sqlite3";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { CoreConfig } from "../env.js";
import type { FileStore } from "../files/file-store.js";
import type { SignedLinks } from "../files/signed-links.js";
import { safeFetch, safeStream } from "../net/safe-fetch.js";
import type { CrmOutbox } from "../outbox/crm-outbox.js";
import type { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import type { GatewayRuntime, IncomingMessage, Tenant } from "./types.js";
import type { IncomingRequestBody } from "../hosts/types.js";
import { createEventStore, type EventIntake } from "../webhooks/store-events.js";

/** Builds the runtime object from core's parts, and the event store behind its `storeEvents` (for the webhook routes). */
export function createRuntime(parts: {
  config: CoreConfig;
  logger: Logger;
  db: Database;
  tenants: TenantStore;
  outbox: CrmOutbox;
  outgoing: SqliteOutgoingStore;
  links: SignedLinks;
  files: FileStore;
  secrets: SecretBox;
}): { runtime: GatewayRuntime; events: EventIntake } {
  const { db, tenants, outbox, outgoing, links, files, config } = parts;
  const sqlite = db.$client;
  // The dedupe claim, a named hot path (every incoming event): a prepared statement.
  const claimSeenEvent: Statement<[tenantId: number, scope: string, externalId: string, seenAt: number]> =
    sqlite.prepare(`INSERT OR IGNORE INTO seen_events (tenant_id, scope, external_id, seen_at) VALUES (?, ?, ?, ?)`);
  const fileTtlSeconds = Math.floor(config.fileTtlMs / 1000);
  // Links name the tenant by its host and key, whichever host it has; links signed before hosts
  // existed named a plugin reference, and still open as that SalesRender tenant's (signed-links.ts).
  const linkTenant = (tenant: Tenant) => ({ host: tenant.host, key: tenant.key });

  const claimOnce: GatewayRuntime["claimOnce"] = (tenant, scope, externalId) =>
    claimSeenEvent.run(tenant.id, scope, externalId, Date.now()).changes > 0;

  // The claim and the outbox row are one: run inside a transaction whose failure rolls both back.
  const forwardInTransaction = (tenant: Tenant, message: IncomingMessage, externalId?: string): boolean => {
    if (externalId !== undefined && !claimOnce(tenant, "incoming", externalId)) return false;
    const name = message.customer?.name.trim();
    const body: IncomingRequestBody = {
      chat: { id: message.chat.id ?? null, contact: message.chat.contact, subject: message.chat.subject ?? null },
      message: { content: message.message.content ?? null, attachments: message.message.attachments ?? [] },
      ...(name ? { customer: { name } } : {}),
    };
    // One customer's messages reach the CRM in the order they came.
    outbox.enqueue(tenant.id, "incoming", body, message.chat.contact);
    return true;
  };
  const forward = sqlite.transaction(forwardInTransaction);

  const runtime: GatewayRuntime = {
    config,
    logger: parts.logger,
    db,
    tenants: {
      byPublicId: (id) => tenants.byPublicId(id),
      get: (id) => tenants.byId(id),
      byKey: (host, key) => tenants.byKey(host, key),
      all: () => tenants.all(),
    },
    claimOnce,
    forwardIncoming: (tenant, message, options = {}) => forward(tenant, message, options.externalId),
    reportStatus: (tenant, channelMessageId, status, options = {}) =>
      outgoing.report(tenant.id, channelMessageId, status, options.reason),
    findOutgoing: (tenant, channelMessageId) => outgoing.findOutgoing(tenant.id, channelMessageId),
    files: {
      link: (tenant, kind, key, options = {}) =>
        links.create({ tenant: linkTenant(tenant), kind, key }, options.ttlSeconds ?? fileTtlSeconds, options.fileName),
      async store(tenant, file) {
        const id = await files.put(tenant, file);
        return links.create({ tenant: linkTenant(tenant), kind: "stored", key: id }, fileTtlSeconds, file.name);
      },
    },
    fetchAttachment: (uri, options = {}) => safeFetch(uri, { ...options, allowPrivate: config.allowPrivateUrls }),
    openAttachment: (uri, options = {}) => safeStream(uri, { ...options, allowPrivate: config.allowPrivateUrls }),
    publicUrl: (path) => config.selfUri + path.replace(/^\/+/, ""),
    secrets: { seal: (plaintext) => parts.secrets.seal(plaintext), open: (stored) => parts.secrets.open(stored) },
    storeEvents: (tenant, stored) => events.store(tenant, stored),
  };
  // The event store runs every request in its own transaction (a throw rolls it back whole), so
  // each forward needs no savepoint of its own there.
  const eventRuntime: Parameters<typeof createEventStore>[1] = {
    forwardIncoming: (tenant, message, options = {}) => forwardInTransaction(tenant, message, options.externalId),
    reportStatus: runtime.reportStatus,
  };
  const events = createEventStore(db, eventRuntime, (error, tenant) =>
    parts.logger.error({ err: error, tenant: tenant.id }, "an event's follow-up failed after it was stored"),
  );
  return { runtime, events };
}
