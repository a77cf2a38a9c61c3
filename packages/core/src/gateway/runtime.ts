/**
 * @module gateway/runtime — the services core hands a gateway (see `GatewayRuntime`).
 */
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { CoreConfig } from "../env.js";
import type { FileStore } from "../files/file-store.js";
import type { SignedLinks } from "../files/signed-links.js";
import { safeFetch, safeStream } from "../net/safe-fetch.js";
import type { OutgoingStore } from "../messages/outgoing-store.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import type { GatewayRuntime, Tenant } from "./types.js";
import type { EventStore } from "../webhooks/event-store.js";
import { createEventIntake, type EventIntake } from "../webhooks/store-events.js";
import { countedIntake } from "../metrics/counted-intake.js";
import type { IncomingObserver } from "../metrics/observers.js";

/** Builds the runtime object from core's parts, and the event intake behind its `storeEvents` (for the webhook routes). */
export function createRuntime(parts: {
  config: CoreConfig;
  logger: Logger;
  db: Database;
  tenants: TenantStore;
  outgoing: OutgoingStore;
  events: EventStore;
  links: SignedLinks;
  files: FileStore;
  secrets: SecretBox;
  /** Told what incoming events came to, when metrics are on. */
  observer?: Pick<IncomingObserver, "events">;
}): { runtime: GatewayRuntime; events: EventIntake } {
  const { db, tenants, outgoing, links, files, config } = parts;
  const fileTtlSeconds = Math.floor(config.fileTtlMs / 1000);
  // Links name the tenant by its host and key, whichever host it has; links signed before hosts
  // existed named a plugin reference, and still open as that SalesRender tenant's (signed-links.ts).
  const linkTenant = (tenant: Tenant) => ({ host: tenant.host, key: tenant.key });
  const intake = createEventIntake(parts.events, (error, tenant) =>
    parts.logger.error(
      { event: "webhook.followup_failed", err: error, tenant: tenant.id },
      "an event's follow-up failed after it was stored",
    ),
  );
  const events = parts.observer ? countedIntake(intake, parts.observer) : intake;

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
    claimOnce: (tenant, scope, externalId) => parts.events.claimOnce(tenant.id, scope, externalId, Date.now()),
    // The dedupe claim and the outbox row are one transaction (the event store's): both or neither.
    forwardIncoming: async (tenant, message, options = {}) =>
      (
        await events.store(tenant, [
          {
            kind: "incoming",
            message,
            ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
          },
        ])
      ).fresh > 0,
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
  return { runtime, events };
}
