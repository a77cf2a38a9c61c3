/**
 * @module http/context — the typed Hono environment every core route shares, and the core parts it uses.
 */
import type { Logger } from "pino";
import type { StorageHealth } from "../db/storage-health.js";
import type { CoreConfig } from "../env.js";
import type { FileStore } from "../files/file-store.js";
import type { SignedLinks } from "../files/signed-links.js";
import type { AnyGateway, GatewayInstance, GatewayRuntime } from "../gateway/types.js";
import type { HostInstance } from "../hosts/types.js";
import type { Language } from "../i18n.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import type { EventIntake } from "../webhooks/store-events.js";

/** Variables set by middleware. */
export interface AppEnv {
  Variables: {
    language: Language;
  };
}

/** What the HTTP layer needs from core. */
export interface AppDeps {
  /** The gateway's static half (info, form, capabilities). */
  gateway: AnyGateway;
  /** What its `setup` returned: send, webhooks, files, previews, settings checks. */
  instance: GatewayInstance;
  /** The running hosts by name: their routes are mounted, their file kinds served. */
  hosts: ReadonlyMap<string, HostInstance>;
  config: CoreConfig;
  logger: Logger;
  tenants: TenantStore;
  links: SignedLinks;
  files: FileStore;
  runtime: GatewayRuntime;
  /** Where the webhook routes store their events. */
  events: EventIntake;
  /** True once the worker runs and the server may take traffic (and while the database takes writes). */
  isReady: () => boolean;
  /** Told about every request that failed because the database refused a write. */
  storage?: Pick<StorageHealth, "failed">;
  /** The gateway's metrics, when `METRICS_TOKEN` is set: `GET /metrics` serves them, the webhook routes count into them. */
  metrics?: GatewayMetrics;
}
