/**
 * @module queue/test/replica-queues — send queues of several replicas on one PostgreSQL database,
 * each as a gateway process wires it (its own pools, LISTEN connection, leases and NOTIFYing
 * stores), sending through a recording channel, for the replica tests.
 */
import pg from "pg";
import pino from "pino";
import { PgLeases } from "../../cluster/pg-leases.js";
import { PgNotifier } from "../../cluster/pg-notifier.js";
import { addTenants, createLeaseTables } from "../../cluster/test/lease-database.js";
import { postgresStorageProbe } from "../../db/postgres-storage-probe.js";
import { openPgCoreTables } from "../../db/test/pg-core-tables.js";
import { StorageHealth } from "../../db/storage-health.js";
import type { RateLimitRule, Tenant } from "../../gateway/types.js";
import { PgOutgoingStore } from "../../messages/pg-outgoing-store.js";
import { PgOutboxStore } from "../../outbox/pg-outbox-store.js";
import type { ChatMessage } from "../../protocol/chat.js";
import type { TenantStore } from "../../tenants/tenant-store.js";
import { steadyClock } from "../../worker/clock.js";
import { SendQueue } from "../send-queue.js";

const logger = pino({ level: process.env.REPLICAS_LOG ?? "silent" });

/** A message the channel took: from which replica, when (monotonic ms), for which tenant and chat. */
export interface Delivered {
  replica: string;
  at: number;
  tenantId: number;
  contact: string;
  crmMessageId: string;
}

/** What a replica's channel does with a send (default: takes it at once). */
export type Channel = (message: ChatMessage, signal: AbortSignal) => Promise<void>;

/** One replica's send queue and what it is made of. */
export interface ReplicaQueue {
  name: string;
  queue: SendQueue;
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
  rateLimits?: RateLimitRule[];
  channel?: Channel;
}): Promise<ReplicaQueue> {
  const pool = new pg.Pool({ connectionString: options.url, max: 6 });
  const leasePool = new pg.Pool({ connectionString: options.url, max: 2 });
  pool.on("error", () => undefined);
  leasePool.on("error", () => undefined);
  const clock = steadyClock();
  const db = { $client: pool };
  const outboxRows = new PgOutboxStore(db, { clock, maxAgeMs: 86_400_000, wake: () => undefined, notify: true });
  const outgoing = new PgOutgoingStore(db, outboxRows, { notify: true });
  const notifier = new PgNotifier({ connection: { connectionString: options.url }, logger, pollMs: options.pollMs });
  const leases = new PgLeases({ pool: leasePool, leaseMs: options.leaseMs, logger, notifier, replicaId: options.name });
  let dead = false;
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
    storage: new StorageHealth(postgresStorageProbe(pool), logger),
    leases,
  });
  const owned: number[] = [];
  leases.onOwned((tenantId) => owned.push(tenantId));
  notifier.on("send", (tenantId) => (tenantId === null ? void queue.rescan() : queue.notified(tenantId)));
  await notifier.start();
  await queue.start();
  await leases.start();
  let stopped: Promise<void> | undefined;
  return {
    name: options.name,
    queue,
    leases,
    owned,
    stop() {
      stopped ??= (async () => {
        await Promise.all([leases.stop(), queue.stop(10_000)]);
        await notifier.stop();
        await Promise.all([pool.end(), leasePool.end()]);
      })();
      return stopped;
    },
    async kill() {
      dead = true;
      stopped = Promise.resolve();
      await notifier.stop();
      // Its sends in flight hold their connections no more than they would after a kill.
      void pool.end();
      void leasePool.end();
      await queue.stop(0);
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
