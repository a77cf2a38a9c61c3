/**
 * The replica chaos scenarios' stack: three processes of the real Telegram gateway (its declared
 * rate limits on) sharing one real PostgreSQL, the CRM simulator in this process, the lean fake Bot
 * API on a thread of its own (it stamps arrivals for the rate checks: see `fakes/bot-api-thread.ts`),
 * and two tenants (two CRM companies, two bots).
 *
 * The replicas stand behind one public URL, as behind a balancer: each is told the same
 * `LV_PLUGIN_SELF_URI` (the CRM's tokens name it as their audience, the gateway's name it as their
 * issuer, and Telegram's webhook URL is built on it), and this stack is the balancer: it posts each
 * request to the replica the caller picks.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { freePort, startCrmSimulator, type CrmSimulator, type PluginRef, type SendBody } from "@switchboard/testkit";
import type { PostgresServer } from "@switchboard/testkit/postgres";
import { BotApiThread } from "../../fakes/bot-api-thread.js";
import { GatewayProcess } from "../../gateway/gateway-process.js";
import { PgProbe, type InFlight } from "../../queue/pg-probe.js";
import { FAST_RETRIES } from "./chaos-stack.js";

/** One of the two tenants: its plugin reference, its bot, its id in the database. */
export interface ReplicaTenant {
  ref: PluginRef;
  botToken: string;
  tenantId: number;
}

/** The two tenants (different companies, different bots). */
const TENANT_REFS: Array<Omit<ReplicaTenant, "tenantId">> = [
  { ref: { companyId: "1", pluginAlias: "telegram", pluginId: "1" }, botToken: "100001:REPLICAbenchAAAAAAAA" },
  { ref: { companyId: "2", pluginAlias: "telegram", pluginId: "2" }, botToken: "100002:REPLICAbenchBBBBBBBB" },
];

/** Something a replica logged that explains a duplicate or a delay: a lease moving, a send retried, a write failing. */
export interface ReplicaEvent {
  /** When this process read the line (`performance.now()`). */
  at: number;
  replica: number;
  event: string;
  /** `worker.fenced`: which worker, and how much of the tenant's work it had in flight. */
  worker?: string;
  inFlight?: number;
  line: string;
}

/**
 * Leases lost outside the planned disruptions (a renewal late on a loaded machine): how many, and
 * the work `worker` had in flight at them, which its next owner may do again. The database stop
 * (from `from` to `to`) is left out: what was in flight then is counted at the stop itself.
 */
export function unplannedFences(
  events: readonly ReplicaEvent[],
  worker: string,
  stop: { from: number; to: number },
): { fences: number; inFlight: number } {
  const fences = events.filter(
    (e) => e.event === "worker.fenced" && e.worker === worker && !(e.at >= stop.from && e.at <= stop.to),
  );
  return { fences: fences.length, inFlight: fences.reduce((sum, e) => sum + (e.inFlight ?? 0), 0) };
}

/** The events kept from the replicas' logs (the rest, one line per request or round, is dropped). */
const KEPT_EVENTS = /^(lease\.|worker\.fenced$|send\.(took_over|retrying|failed)$|queue\.write_failed$|storage\.)/;

/** How many replicas run. */
export const REPLICAS = 3;

/** A running replica stack. */
export interface ReplicaStack {
  crm: CrmSimulator;
  api: BotApiThread;
  probe: PgProbe;
  server: PostgresServer;
  tenants: ReplicaTenant[];
  /** The URL every replica calls its own (what a balancer would serve). */
  publicUrl: string;
  /** What the replicas logged about leases, retried sends and failed writes, in the order read. */
  events: ReplicaEvent[];
  /** The replica processes (a restarted one replaces its entry). */
  replicas: GatewayProcess[];
  /** Index of the replica holding `tenantId`'s lease now, if any (from the `shards` table). */
  ownerOf(tenantId: number): Promise<number | undefined>;
  /**
   * `kill -9` of replica `index`: frozen first (SIGSTOP), so `measure` reads what it had in flight
   * at the instant it stopped (its database connections and their locks still alive), then SIGKILL.
   */
  kill<T>(index: number, measure: () => Promise<T>): Promise<T>;
  /** Starts replica `index` again on its port; resolves once it answers `/readyz`. */
  restart(index: number): Promise<void>;
  /** CRM send to replica `index`, token minted for the public URL; the HTTP status, 0 when the connection failed. */
  send(index: number, tenant: ReplicaTenant, body: SendBody): Promise<number>;
  /** A Telegram webhook update to replica `index` with the tenant's secret header; the HTTP status, 0 when the connection failed. */
  postUpdate(index: number, tenant: ReplicaTenant, update: string): Promise<number>;
  /** What each replica answers `/readyz` (its status; 0 when it did not answer within 2 s). */
  readiness(): Promise<number[]>;
  close(): Promise<void>;
}

/** Starts the replicas on `database` (a fresh database on `server`), registers and configures both tenants. */
export async function startReplicaStack(
  server: PostgresServer,
  database: string,
  env: Record<string, string> = {},
): Promise<ReplicaStack> {
  const crm = await startCrmSimulator();
  const api = await BotApiThread.start();
  const probe = new PgProbe(database);
  const ports: number[] = [];
  for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
  const publicUrl = `http://127.0.0.1:${ports[0]}/`;
  const replicaUrl = (index: number) => `http://127.0.0.1:${ports[index]}/`;
  const shared = {
    ...crm.env,
    ...FAST_RETRIES,
    BENCH_GATEWAY: "telegram",
    BENCH_RATE_LIMITS: "on",
    TELEGRAM_API_ROOT: api.url,
    SWITCHBOARD_DATABASE_URL: database,
    // Every replica seals and opens the tenants' secrets (bot tokens, webhook secrets) with it.
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    LV_PLUGIN_SELF_URI: publicUrl,
    ...env,
  };
  const events: ReplicaEvent[] = [];
  const keep = (replica: number, line: string) => {
    let entry: { event?: unknown; worker?: unknown; inFlight?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.event !== "string" || !KEPT_EVENTS.test(entry.event)) return;
    events.push({
      at: performance.now(),
      replica,
      event: entry.event,
      ...(typeof entry.worker === "string" ? { worker: entry.worker } : {}),
      ...(typeof entry.inFlight === "number" ? { inFlight: entry.inFlight } : {}),
      line: line.slice(0, 600),
    });
  };
  const spawn = (index: number) =>
    GatewayProcess.spawn({
      port: ports[index]!,
      env: { LOG_LEVEL: "info", ...shared },
      log: (line) => keep(index, line),
    });
  const replicas = Array.from({ length: REPLICAS }, (_, i) => spawn(i));
  const stack: ReplicaStack = {
    crm,
    api,
    probe,
    server,
    tenants: [],
    publicUrl,
    events,
    replicas,
    async ownerOf(tenantId) {
      const owner = (await probe.owners()).get(tenantId);
      if (owner === undefined) return undefined;
      // Core names a replica `<host>-<pid>-<random>`.
      const index = replicas.findIndex((r) => owner.includes(`-${r.child.pid}-`));
      return index < 0 ? undefined : index;
    },
    async kill(index, measure) {
      const replica = replicas[index]!;
      replica.child.kill("SIGSTOP");
      try {
        return await measure();
      } finally {
        await replica.kill();
      }
    },
    async restart(index) {
      replicas[index] = spawn(index);
      await replicas[index].ready(60_000);
    },
    async send(index, tenant, body) {
      const token = crm.specialToken(publicUrl, tenant.ref, body);
      return post(`${replicaUrl(index)}special/send`, JSON.stringify({ request: token }), {});
    },
    async postUpdate(index, tenant, update) {
      const hook = api.webhooks.get(tenant.botToken);
      if (!hook) throw new Error(`the gateway set no webhook for bot ${tenant.botToken.split(":")[0]}`);
      const path = new URL(hook.url);
      return post(`${replicaUrl(index).replace(/\/$/, "")}${path.pathname}${path.search}`, update, {
        "x-telegram-bot-api-secret-token": hook.secret,
      });
    },
    readiness() {
      return Promise.all(
        replicas.map((_, i) =>
          fetch(`${replicaUrl(i)}readyz`, { signal: AbortSignal.timeout(2000) }).then(
            async (res) => {
              await res.body?.cancel();
              return res.status;
            },
            () => 0,
          ),
        ),
      );
    },
    async close() {
      await Promise.all(replicas.map((r) => r.kill()));
      await Promise.all([api.close(), crm.close(), probe.close()]);
    },
  };
  try {
    await Promise.all(replicas.map((r) => r.ready(60_000)));
    for (const tenant of TENANT_REFS) {
      const registered = await crm.register(publicUrl, tenant.ref);
      if (registered.status !== 200)
        throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
      const saved = await crm.putSettings(publicUrl, tenant.ref, {
        main: { botToken: tenant.botToken, allowGroups: false },
      });
      if (saved.status !== 200) throw new Error(`settings answered ${saved.status}: ${await saved.text()}`);
    }
    // The webhooks the settings set, copied from the fake's thread.
    await api.synced();
    const ids = await probe.tenantIds();
    for (const tenant of TENANT_REFS) {
      const key = `${tenant.ref.companyId}/${tenant.ref.pluginAlias}/${tenant.ref.pluginId}`;
      const tenantId = ids.get(key);
      if (tenantId === undefined) throw new Error(`tenant ${key} is not stored`);
      stack.tenants.push({ ...tenant, tenantId });
    }
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}

/** Leases fair by tenants: the two tenants on two different replicas. */
export async function ownersSettled(stack: ReplicaStack): Promise<boolean> {
  const owners = await Promise.all(stack.tenants.map((t) => stack.ownerOf(t.tenantId)));
  return owners.every((o) => o !== undefined) && new Set(owners).size === owners.length;
}

/** What a kill or a database stop had in flight, and when it happened (`performance.now()`). */
export interface Disruption extends InFlight {
  at: number;
}

/** `performance.now()`, the fake Bot API's clock (its thread stamps on this thread's timeline). */
export const now = (): number => performance.now();

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}
