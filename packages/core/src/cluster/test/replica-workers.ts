/**
 * @module cluster/test/replica-workers — send queues of several replicas on one PostgreSQL database,
 * each as a gateway process wires it (its own pools, LISTEN connection, leases and NOTIFYing
 * stores), sending through a recording channel, for the replica tests.
 */
import pg from "pg";
import pino from "pino";
import { PgLeases } from "../pg-leases.js";
import { PgNotifier } from "../pg-notifier.js";
import { listenForWork } from "../replica-work.js";
import { addTenants, createLeaseTables } from "./lease-database.js";
import { postgresStorageProbe } from "../../db/postgres-storage-probe.js";
import { openPgCoreTables } from "../../db/test/pg-core-tables.js";
import { StorageHealth } from "../../db/storage-health.js";
import type { RateLimitRule, Tenant } from "../../gateway/types.js";
import { PgOutgoingStore } from "../../messages/pg-outgoing-store.js";
import { CrmOutbox } from "../../outbox/crm-outbox.js";
import { PgOutboxStore } from "../../outbox/pg-outbox-store.js";
import type { DeliveryContext, HostInstance, OutboxRequest as HostRequest } from "../../hosts/types.js";
import type { ChatMessage } from "../../protocol/chat.js";
import type { TenantStore } from "../../tenants/tenant-store.js";
import { steadyClock } from "../../worker/clock.js";
import { SendQueue } from "../../queue/send-queue.js";

const logger = pino({ level: process.env.REPLICAS_LOG ?? "silent" });

/** A message the channel took: from which replica, when (monotonic ms), for which tenant and chat. */
export interface Delivered {
  replica: string;
  at: number;
  tenantId: number;
  contact: string;
  crmMessageId: string;
}

/** A CRM request the CRM took: from which replica, for which tenant, with which body. */
export interface DeliveredRequest {
  replica: string;
  tenantId: number;
  body: { id: string; chat: string };
}

/** What a replica's channel does with a send (default: takes it at once). */
export type Channel = (message: ChatMessage, signal: AbortSignal) => Promise<void>;

/** One replica's send queue and what it is made of. */
export interface ReplicaQueue {
  name: string;
  queue: SendQueue;
  outbox: CrmOutbox;
  /** The outbox's table as this replica writes it (NOTIFYing the owner). */
  outboxRows: PgOutboxStore;
  leases: PgLeases;
  /** Tenants that turned owned here, in order. */
  owned: number[];
  /** Graceful stop, as a deploy does: leases given back once the sends in flight finished. */
  stop(): Promise<void>;
  /** Dies as `kill -9` would: nothing renewed nor given back, its connections gone, its sends never finish. */
  kill(): Promise<void>;
}

/** A database with core's queue tables, the leases' tables and `tenants` tenants. */
export async function replicaDatabase(url: string, tenants: number) {
  await createLeaseTables(url);
  const admin = await openPgCoreTables(url);
  const ids = await addTenants(admin, tenants);
  return { admin, tenantIds: ids };
}

/** Every tenant a replica may be asked for, as the send queue reads it (the tenants' table is not under test). */
function tenantsOf(): TenantStore {
  const byId = async (id: number): Promise<Tenant> => ({
    id,
    host: "salesrender",
    key: `t${id}`,
    publicId: `p${id}`,
    settings: {},
  });
  return { byId } as unknown as TenantStore;
}

/** Starts one replica: leases, NOTIFY listener (its polling backstop every `pollMs`), send queue. */
export async function startReplicaQueue(options: {
  url: string;
  name: string;
  leaseMs: number;
  /** The polling backstop; tests set it very long to prove NOTIFY wakes the owner. */
  pollMs: number;
  delivered: Delivered[];
  /** What the CRM took from every replica's outbox. */
  requests?: DeliveredRequest[];
  rateLimits?: RateLimitRule[];
  channel?: Channel;
  /** What the CRM does with a request before taking it (default: takes it at once). */
  crm?: (signal: AbortSignal) => Promise<void>;
  /** Awaited before each "sent" update is written (default: written at once): a slow database. */
  holdSent?: () => Promise<void>;
}): Promise<ReplicaQueue> {
  const pool = new pg.Pool({ connectionString: options.url, max: 6 });
  const leasePool = new pg.Pool({ connectionString: options.url, max: 2 });
  pool.on("error", () => undefined);
  leasePool.on("error", () => undefined);
  const clock = steadyClock();
  const db = { $client: pool };
  const outboxRows = new PgOutboxStore(db, {
    clock,
    maxAgeMs: 86_400_000,
    wake: (tenantId) => outbox.wake(tenantId),
    notify: true,
  });
  const outgoing = new PgOutgoingStore(db, outboxRows, { notify: true });
  const holdSent = options.holdSent;
  if (holdSent) {
    const markSent = outgoing.markSent.bind(outgoing);
    outgoing.markSent = async (items, now) => {
      await holdSent();
      return markSent(items, now);
    };
  }
  const notifier = new PgNotifier({ connection: { connectionString: options.url }, logger, pollMs: options.pollMs });
  const leases = new PgLeases({ pool: leasePool, leaseMs: options.leaseMs, logger, notifier, replicaId: options.name });
  let dead = false;
  const storage = new StorageHealth(postgresStorageProbe(pool), logger);
  const host: HostInstance = {
    async deliver(request: HostRequest, ctx: DeliveryContext) {
      await (options.crm ?? (async () => undefined))(ctx.signal);
      if (dead) throw new Error("killed");
      options.requests?.push({
        replica: options.name,
        tenantId: ctx.tenant.id,
        body: request.body as unknown as DeliveredRequest["body"],
      });
    },
  };
  const outbox: CrmOutbox = new CrmOutbox({
    store: outboxRows,
    tenants: tenantsOf(),
    hosts: new Map([["salesrender", host]]),
    config: { outboxClusterConcurrency: 8, retry: { baseMs: 50, maxMs: 200 } },
    logger,
    clock,
    storage,
    leases,
  });
  const queue = new SendQueue({
    outgoing,
    tenants: tenantsOf(),
    send: async (ctx, message) => {
      await (options.channel ?? (async () => undefined))(message, ctx.signal);
      // A killed process sends nothing more.
      if (dead) throw new Error("killed");
      options.delivered.push({
        replica: options.name,
        at: performance.now(),
        tenantId: ctx.tenant.id,
        contact: message.chat.contact,
        crmMessageId: message.message.id!,
      });
      return `${options.name}-${message.queueId}`;
    },
    rateLimits: options.rateLimits ?? [],
    config: {
      sendConcurrency: 16,
      sendTenantConcurrency: 4,
      send: { maxAttempts: 100, maxAgeMs: 86_400_000, leaseMs: 60_000 },
      retry: { baseMs: 50, maxMs: 200 },
    },
    logger,
    clock,
    storage,
    leases,
  });
  const owned: number[] = [];
  leases.onOwned((tenantId) => owned.push(tenantId));
  listenForWork(notifier, { queue, outbox });
  await notifier.start();
  await queue.start();
  await outbox.start();
  await leases.start();
  let stopped: Promise<void> | undefined;
  return {
    name: options.name,
    queue,
    outbox,
    outboxRows,
    leases,
    owned,
    stop() {
      stopped ??= (async () => {
        await Promise.all([leases.stop(), queue.stop(10_000), outbox.stop(10_000)]);
        await notifier.stop();
        await outboxRows.close();
        await Promise.all([pool.end(), leasePool.end()]);
      })();
      return stopped;
    },
    async kill() {
      dead = true;
      stopped = Promise.resolve();
      await notifier.stop();
      // Its connections end as a killed process's do (its outbox's delivery locks with them).
      void outboxRows.close().then(() => pool.end());
      void leasePool.end();
      await Promise.all([queue.stop(0), outbox.stop(0)]);
    },
  };
}

/** Each tenant's owners among `replicas`, by their own `owns`. */
export function ownersOf(replicas: readonly ReplicaQueue[], tenantIds: readonly number[]): string[][] {
  return tenantIds.map((t) => replicas.filter((r) => r.leases.owns(t)).map((r) => r.name));
}

/** True when every tenant has exactly one owner among `replicas`. */
export function settled(replicas: readonly ReplicaQueue[], tenantIds: readonly number[]): boolean {
  return ownersOf(replicas, tenantIds).every((o) => o.length === 1);
}

/** A text message for chat `contact` with CRM id `id`. */
export function chatMessage(id: string, contact: string): ChatMessage {
  return {
    chat: { id: contact, contact, subject: null },
    message: { id, content: { text: `text of ${id}`, format: "text" }, attachments: [] },
  };
}
