/**
 * @module server/start-gateway — wires core together for one gateway and serves it.
 */
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { desc } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../http/context.js";
import type { Logger } from "pino";
import { openDatabase, type Database } from "../db/client.js";
import { crmOutbox, outgoing } from "../db/schema.js";
import { lockSqliteDatabase } from "../db/sqlite-process-lock.js";
import { sqliteStorageProbe } from "../db/sqlite-storage-probe.js";
import { StorageHealth } from "../db/storage-health.js";
import { loadCoreConfig, type CoreConfig } from "../env.js";
import { FileStore } from "../files/file-store.js";
import { SignedLinks } from "../files/signed-links.js";
import { createRuntime } from "../gateway/runtime.js";
import { configureOutbound } from "../net/outbound-policy.js";
import type { GatewayRuntime } from "../gateway/types.js";
import type {
  AnyGateway,
  EnvOfGateway,
  GatewayInstance,
  InstanceOfGateway,
  SettingsOfGateway,
} from "../gateway/types.js";
import { createApp } from "../http/create-app.js";
import { createLogger } from "../logger.js";
import { CrmOutbox } from "../outbox/crm-outbox.js";
import { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import { SqliteEventStore } from "../webhooks/sqlite-event-store.js";
import { createHostRuntime } from "../hosts/host-runtime.js";
import { selectHosts, type SelectedHost } from "../hosts/select-hosts.js";
import type { AnyHost, HostInstance } from "../hosts/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import { openKeyring } from "../secrets/open-keyring.js";
import { CORE_SECRET_COLUMNS, resealSecrets } from "../secrets/reseal.js";
import { steadyClock } from "../worker/clock.js";
import { SendQueue } from "../queue/send-queue.js";
import { TenantStore } from "../tenants/tenant-store.js";
import { scheduleMaintenance } from "./maintenance.js";

/** Options of {@link startGateway}. */
export interface StartGatewayOptions<E = unknown> {
  /** Environment variables (core's and nothing else); LV_PLUGIN_SELF_URI defaults to the bound loopback URL. */
  env?: Record<string, string | undefined>;
  /** The gateway's own environment, passed to its `setup` (what its `env.ts` reads). */
  gatewayEnv?: E;
  /** Port to listen on (0 = any free port); default `PORT` or the gateway's default port. */
  port?: number;
  host?: string;
  logger?: Logger;
  /**
   * The CRM hosts the app can serve (`[salesrender]` from `@switchboard/host-salesrender`);
   * `SWITCHBOARD_HOSTS` picks which of them run. Required.
   */
  hosts?: readonly AnyHost[];
}

/** A running gateway; `instance` is what its `setup` returned (e.g. email's inbound SMTP port). */
export interface GatewayHandle<G extends AnyGateway = AnyGateway> {
  /** LV_PLUGIN_SELF_URI (with trailing slash). */
  url: string;
  port: number;
  /** The HTTP app (`app.request()` drives it without the socket). */
  app: Hono<AppEnv>;
  config: CoreConfig;
  runtime: GatewayRuntime<SettingsOfGateway<G>>;
  instance: InstanceOfGateway<G>;
  queue: SendQueue;
  outbox: CrmOutbox;
  /** The running hosts' instances, by host name. */
  hosts: ReadonlyMap<string, HostInstance>;
  /** Graceful stop: stop accepting, let in-flight sends finish within the deadline, close the database. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** Starts a gateway: migrates its database, starts the workers and listens. */
export async function startGateway<G extends AnyGateway>(
  gateway: G,
  ...[options = {}]: undefined extends EnvOfGateway<G>
    ? [options?: StartGatewayOptions<EnvOfGateway<G>>]
    : [options: StartGatewayOptions<EnvOfGateway<G>> & { gatewayEnv: EnvOfGateway<G> }]
): Promise<GatewayHandle<G>> {
  if (!options.hosts) {
    throw new Error(
      "startGateway needs the CRM hosts the gateway can serve: { hosts: [salesrender] } (from @switchboard/host-salesrender)",
    );
  }
  const available = options.hosts;
  const env = options.env ?? {};
  const early = loadCoreConfig({ ...env, LV_PLUGIN_SELF_URI: env.LV_PLUGIN_SELF_URI ?? "http://127.0.0.1/" });
  const selected = selectHosts(early.hosts, available, env);
  const port = options.port ?? early.port ?? gateway.defaultPort;
  const host = options.host ?? (env.HOST ? early.host : env.LV_PLUGIN_SELF_URI ? early.host : "127.0.0.1");

  // Listen first so a port of 0 can become part of the default self URI; requests wait for the app.
  const route: { handler?: Handler } = {};
  const server = await listen(port, host, (req, env) =>
    route.handler
      ? route.handler(req, env)
      : new Response(JSON.stringify({ code: 503, message: "Starting" }), { status: 503 }),
  );
  const bound = (server.address() as AddressInfo).port;
  const config = loadCoreConfig({ ...env, LV_PLUGIN_SELF_URI: env.LV_PLUGIN_SELF_URI ?? `http://127.0.0.1:${bound}/` });
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: gateway.name });
  configureOutbound({
    allowPrivate: config.allowPrivateUrls,
    downloadDeadlineMs: config.downloadDeadlineMs,
    downloadBudgetBytes: config.downloadBudgetBytes,
  });

  const dbPath = config.dbPath ?? join("data", `${gateway.name}.sqlite`);
  let opened: ReturnType<typeof openStorage>;
  try {
    opened = openStorage(gateway, selected, dbPath, config, logger);
  } catch (error) {
    server.close();
    throw error;
  }
  const { db, keyring, lock } = opened;
  const filesDir =
    config.filesDir ??
    (dbPath === ":memory:"
      ? mkdtempSync(join(tmpdir(), `switchboard-${gateway.name}-`))
      : join(dirname(dbPath), `${gateway.name}-files`));

  const storage = new StorageHealth(sqliteStorageProbe(db.$client), logger);
  let instance: GatewayInstance;
  let prepared: Awaited<ReturnType<typeof prepareCore>>;
  try {
    prepared = await prepareCore(db, keyring, config, logger, storage);
  } catch (error) {
    server.close();
    storage.close();
    db.$client.close();
    lock.release();
    throw error;
  }
  const { clock, tenants, hosts, outbox, outgoing, links } = prepared;
  const files = new FileStore(db, filesDir, { quotaBytes: config.tenantFilesQuotaBytes });
  const { runtime, events } = createRuntime({
    config,
    logger,
    db,
    tenants,
    outgoing,
    events: prepared.events,
    links,
    files,
    secrets: keyring,
  });
  try {
    // The one place the gateway's state comes to be: its closure, for the life of this handle.
    instance = await gateway.setup(runtime, options.gatewayEnv);
  } catch (error) {
    server.close();
    storage.close();
    db.$client.close();
    lock.release();
    throw error;
  }
  const queue = new SendQueue({
    outgoing,
    tenants,
    send: (ctx, message) => instance.send(ctx, message),
    ...(instance.edit ? { edit: instance.edit.bind(instance) } : {}),
    ...(instance.remove ? { remove: instance.remove.bind(instance) } : {}),
    rateLimits: gateway.rateLimits ?? [],
    config,
    logger,
    clock,
    storage,
  });
  try {
    for (const { definition, env: hostEnv } of selected) {
      const hostRuntime = createHostRuntime({
        host: definition.name,
        config,
        logger,
        db,
        secrets: keyring,
        gateway,
        instance,
        gatewayRuntime: runtime,
        tenants,
        queue,
        files,
      });
      hosts.set(definition.name, await definition.setup(hostRuntime, hostEnv));
    }
  } catch (error) {
    for (const started of hosts.values()) await started.close?.();
    await instance.close?.();
    server.close();
    storage.close();
    db.$client.close();
    lock.release();
    throw error;
  }
  let ready = false;
  const app = createApp({
    gateway,
    instance,
    hosts,
    config,
    logger,
    tenants,
    links,
    files,
    runtime,
    events,
    isReady: () => ready && storage.available,
    storage,
  });

  try {
    await outbox.start();
    await queue.start();
  } catch (error) {
    await Promise.all([outbox.stop(0), queue.stop(0)]);
    for (const started of hosts.values()) await started.close?.();
    await instance.close?.();
    server.close();
    storage.close();
    db.$client.close();
    lock.release();
    throw error;
  }
  const stopMaintenance = scheduleMaintenance(db, files, config.fileTtlMs, logger);
  // The Node bindings (incoming/outgoing) travel along so routes can read the socket directly.
  route.handler = (req, env) => app.fetch(req, env);
  ready = true;

  let stopping: Promise<void> | undefined;
  return {
    url: config.selfUri,
    port: bound,
    app,
    config,
    // Stored settings passed the form's checks on save, so they have the form's type.
    runtime: runtime as GatewayRuntime<SettingsOfGateway<G>>,
    instance: instance as InstanceOfGateway<G>,
    queue,
    outbox,
    hosts,
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        ready = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const timeout = stopOptions.timeoutMs ?? config.shutdownTimeoutMs;
        await queue.stop(timeout);
        await outbox.stop(Math.min(timeout, 2000));
        stopMaintenance();
        for (const started of hosts.values()) await started.close?.();
        await instance.close?.();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
        storage.close();
        db.$client.close();
        lock.release();
      })();
      return stopping;
    },
  };
}

/**
 * Core's stores and workers over the opened database: the clock, the tenants, the outbox and the
 * outgoing messages with their SQLite stores (status reports and incoming events write outbox rows
 * in their own transactions, so the three share the connection), and the file links' secret.
 */
async function prepareCore(
  db: Database,
  keyring: SecretBox,
  config: CoreConfig,
  logger: Logger,
  storage: StorageHealth,
) {
  const clock = steadyClock({ notBefore: await newestScheduledTime(db) });
  const tenants = new TenantStore(db, keyring);
  const hosts = new Map<string, HostInstance>();
  const outboxRows = new SqliteOutboxStore(db, {
    clock,
    maxAgeMs: config.outboxMaxAgeMs,
    wake: (tenantId) => outbox.wake(tenantId),
  });
  const outbox = new CrmOutbox({ store: outboxRows, tenants, hosts, config, logger, clock, storage });
  const outgoing = new SqliteOutgoingStore(db, outboxRows);
  const events = new SqliteEventStore(db, { outbox: outboxRows, outgoing });
  const links = await SignedLinks.open(db, config.selfUri, keyring);
  return { clock, tenants, hosts, outbox, outgoing, events, links };
}

/** The newest creation time the queue and the outbox stored (their rows only grow in id). */
async function newestScheduledTime(db: Database): Promise<number> {
  const newest = async (table: typeof outgoing | typeof crmOutbox) =>
    (await db.select({ t: table.createdAt }).from(table).orderBy(desc(table.id)).limit(1))[0]?.t ?? 0;
  return Math.max(await newest(outgoing), await newest(crmOutbox));
}

/**
 * Opens and migrates the database (core's, the running hosts', the gateway's migrations), then its
 * keyring, and re-encrypts every secret (core's, the hosts', the gateway's) not sealed with
 * the current key (a rotation, or plaintext from before encryption). A key that cannot open a
 * stored secret fails the start, with the database closed again.
 */
function openStorage(
  gateway: AnyGateway,
  hosts: readonly SelectedHost[],
  dbPath: string,
  config: CoreConfig,
  logger: Logger,
) {
  // Before anything touches the file: a second process on it is refused here, migrations included.
  const lock = lockSqliteDatabase(dbPath);
  let db: Database;
  try {
    db = openDatabase(dbPath, {
      gatewayMigrations: gateway.migrationsFolder,
      gatewayName: gateway.name,
      hostMigrations: hosts.flatMap(({ definition }) =>
        definition.migrationsFolder ? [{ name: definition.name, folder: definition.migrationsFolder }] : [],
      ),
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    const keyring = openKeyring(config, dbPath, logger);
    const secretColumns = [
      ...CORE_SECRET_COLUMNS,
      ...hosts.flatMap(({ definition }) => definition.secretColumns ?? []).map((column) => ({ column })),
      ...(gateway.secretColumns ?? []).map((column) => ({ column })),
    ];
    const resealed = resealSecrets(db, keyring, secretColumns);
    if (resealed > 0) logger.info({ secrets: resealed, key: keyring.currentKeyId }, "re-encrypted stored secrets");
    return { db, keyring, lock };
  } catch (error) {
    db.$client.close();
    lock.release();
    throw error;
  }
}

type Handler = (req: Request, env: unknown) => Response | Promise<Response>;

function listen(port: number, hostname: string, fetch: Handler): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once("error", reject);
  });
}
