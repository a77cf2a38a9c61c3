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
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
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
import { createHostRuntime } from "../hosts/host-runtime.js";
import { selectHosts } from "../hosts/select-hosts.js";
import type { AnyHost, HostInstance } from "../hosts/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import { steadyClock } from "../worker/clock.js";
import { SendQueue } from "../queue/send-queue.js";
import { TenantStore } from "../tenants/tenant-store.js";
import type { Leases } from "../cluster/leases.js";
import { listenForWork, processLeases, type ProcessLeases } from "../cluster/replica-work.js";
import { coreStores, type CoreStores } from "./core-stores.js";
import { GatewayMetrics } from "../metrics/gateway-metrics.js";
import { openStorage, type OpenedStorage } from "./open-storage.js";
import { retentionPassLock } from "../retention/pass-lock.js";
import { retentionPolicy } from "../retention/retention-policy.js";
import { scheduleRetention } from "../retention/retention-schedule.js";
import type { NamedPurge } from "../retention/retention-pass.js";

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
  /** How this process joins its replicas on PostgreSQL (for tests; on SQLite only `pollMs` applies). */
  replica?: ReplicaOptions;
  /** The retention schedule's first delay and a report per pass (for tests). */
  retention?: { firstDelayMs?: number; onPass?: Parameters<typeof scheduleRetention>[0]["onPass"] };
}

/** Options of a replica on PostgreSQL, for tests. */
export interface ReplicaOptions {
  /** Its name among the replicas (default: host, pid and a random suffix). */
  replicaId?: string;
  /** The polling backstop behind NOTIFY, in ms (default 2000); on SQLite, the poll for other processes' writes (default 1000). */
  pollMs?: number;
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
  /** The tenants this replica sends and delivers for (on SQLite: every tenant). */
  leases: Leases;
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

  let opened: OpenedStorage;
  try {
    opened = await openStorage(gateway, selected, config, logger);
  } catch (error) {
    server.close();
    throw error;
  }
  const { db, keyring } = opened;
  const storage = new StorageHealth(opened.probe, logger);
  // A server on the network can go away while nothing writes: noticed within a second.
  if (db.dialectName === "postgres") storage.watch(1000);
  // Everything this handle opened so far, given back in reverse when the start fails or it stops.
  const closeStorage = async (stores?: CoreStores, cluster?: ProcessLeases) => {
    storage.close();
    await cluster?.close();
    await stores?.close();
    await opened.close();
  };
  let instance: GatewayInstance;
  let prepared: Awaited<ReturnType<typeof prepareCore>>;
  try {
    prepared = await prepareCore(db, keyring, config, logger, storage, options.replica ?? {}, gateway.name);
  } catch (error) {
    server.close();
    await closeStorage();
    throw error;
  }
  const { clock, tenants, hosts, outbox, outgoing, links, leases, metrics } = prepared;
  const files = new FileStore(db, filesFolder(gateway, config, opened.sqlitePath), {
    quotaBytes: config.tenantFilesQuotaBytes,
  });
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
    ...(metrics ? { observer: metrics } : {}),
  });
  try {
    // The one place the gateway's state comes to be: its closure, for the life of this handle.
    instance = await gateway.setup(runtime, options.gatewayEnv);
  } catch (error) {
    server.close();
    await closeStorage(prepared.stores, prepared.cluster);
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
    leases,
    ...(metrics ? { observer: metrics } : {}),
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
    await closeStorage(prepared.stores, prepared.cluster);
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
    ...(metrics ? { metrics } : {}),
  });

  let stopListening = () => {};
  try {
    await queue.start();
    await outbox.start();
    // Workers first, so every tenant the leases hand over finds them listening.
    stopListening = listenForWork(prepared.stores.notifier, { queue, outbox });
    await leases.start();
  } catch (error) {
    await Promise.all([leases.stop(), outbox.stop(0), queue.stop(0)]);
    stopListening();
    for (const started of hosts.values()) await started.close?.();
    await instance.close?.();
    server.close();
    await closeStorage(prepared.stores, prepared.cluster);
    throw error;
  }
  const retention = scheduleRetention({
    db,
    files,
    policy: retentionPolicy(config),
    lock: retentionPassLock(db, gateway.name),
    hooks: purgeHooks(gateway.name, instance, hosts),
    logger,
    intervalMs: config.retention.intervalMs,
    ...(options.retention ?? {}),
  });
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
    leases,
    hosts,
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        ready = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const timeout = stopOptions.timeoutMs ?? config.shutdownTimeoutMs;
        // The leases are given back as each tenant's work in flight finishes, for the other replicas.
        await Promise.all([leases.stop(), queue.stop(timeout), outbox.stop(Math.min(timeout, 2000)), retention.stop()]);
        stopListening();
        for (const started of hosts.values()) await started.close?.();
        await instance.close?.();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
        await closeStorage(prepared.stores, prepared.cluster);
      })();
      return stopping;
    },
  };
}

/**
 * Core's stores and workers over the opened database: the clock, the tenants, the outbox and the
 * outgoing messages with the dialect's stores (`coreStores`), and the file links' secret.
 */
async function prepareCore(
  db: Database,
  keyring: SecretBox,
  config: CoreConfig,
  logger: Logger,
  storage: StorageHealth,
  replica: ReplicaOptions,
  gatewayName: string,
) {
  const clock = steadyClock({ notBefore: await newestScheduledTime(db) });
  const hosts = new Map<string, HostInstance>();
  // Only with a token: without one nothing could read them, so nothing is counted.
  const metrics = config.metricsToken
    ? new GatewayMetrics({ gateway: gatewayName, hosts: () => hosts.keys(), db, clock, logger })
    : undefined;
  const stores = await coreStores(db, {
    clock,
    outboxMaxAgeMs: config.outboxMaxAgeMs,
    wake: (id) => outbox.wake(id),
    databaseUrl: config.databaseUrl,
    logger,
    ...(replica.pollMs !== undefined ? { pollMs: replica.pollMs } : {}),
    // The leases need the stores' notifier, so they come after; nothing is written before they exist.
    ownedHere: (id) => cluster.leases.owns(id),
  });
  const tenants = new TenantStore(db, keyring, { announce: (id) => stores.announceTenant(id) });
  // Another replica's tenant or settings write; `null`: notifications may have been missed.
  stores.notifier.on("tenant", (id) => (id === null ? tenants.forgetAll() : tenants.forget(id)));
  // Which tenants this replica sends and delivers for (on SQLite: all of them).
  const cluster = processLeases({
    databaseUrl: config.databaseUrl,
    leaseMs: config.shardLeaseMs,
    logger,
    notifier: stores.notifier,
    ...(replica.replicaId !== undefined ? { replicaId: replica.replicaId } : {}),
  });
  const { leases } = cluster;
  const outbox = new CrmOutbox({
    store: stores.outbox,
    tenants,
    hosts,
    config,
    logger,
    clock,
    storage,
    leases,
    ...(metrics ? { observer: metrics } : {}),
  });
  try {
    const links = await SignedLinks.open(db, config.selfUri, keyring);
    return {
      clock,
      tenants,
      hosts,
      outbox,
      outgoing: stores.outgoing,
      events: stores.events,
      links,
      stores,
      cluster,
      leases,
      metrics,
    };
  } catch (error) {
    await cluster.close();
    await stores.close();
    throw error;
  }
}

/** The purges of the gateway and of the running hosts that declare one. */
function purgeHooks(name: string, instance: GatewayInstance, hosts: ReadonlyMap<string, HostInstance>): NamedPurge[] {
  const hooks: NamedPurge[] = [];
  if (instance.purge) hooks.push({ name, purge: instance.purge.bind(instance) });
  for (const [host, started] of hosts)
    if (started.purge) hooks.push({ name: host, purge: started.purge.bind(started) });
  return hooks;
}

/**
 * Where stored files' bytes live: the operator's `SWITCHBOARD_FILES_DIR`; else beside the SQLite
 * file (a temporary folder for an in-memory one); on PostgreSQL without one, in the database
 * (`undefined`), where every replica reads what another stored.
 */
function filesFolder(gateway: AnyGateway, config: CoreConfig, sqlitePath: string | undefined): string | undefined {
  if (config.filesDir) return config.filesDir;
  if (sqlitePath === undefined) return undefined;
  return sqlitePath === ":memory:"
    ? mkdtempSync(join(tmpdir(), `switchboard-${gateway.name}-`))
    : join(dirname(sqlitePath), `${gateway.name}-files`);
}

/** The newest creation time the queue and the outbox stored (their rows only grow in id). */
async function newestScheduledTime(db: Database): Promise<number> {
  const { outgoing, crmOutbox } = coreTables.for(db);
  const newest = async (table: typeof outgoing | typeof crmOutbox) =>
    (await db.select({ t: table.createdAt }).from(table).orderBy(desc(table.id)).limit(1))[0]?.t ?? 0;
  return Math.max(await newest(outgoing), await newest(crmOutbox));
}

type Handler = (req: Request, env: unknown) => Response | Promise<Response>;

function listen(port: number, hostname: string, fetch: Handler): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once("error", reject);
  });
}
