/**
 * @module gateway/bench-stack — one measured setup: the CRM simulator and the gateway's lean fake
 * peer (the Bot API, Twilio's Messages API or an SMTP relay) in this process, the gateway in child
 * processes (one on its own SQLite file, or one or more replicas sharing a throwaway PostgreSQL
 * server), one or more tenants registered and configured through the protocol routes.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startCrmSimulator, type CrmSimulator, type PluginRef } from "@switchboard/testkit";
import { startPostgres, type PostgresServer } from "@switchboard/testkit/postgres";
import type { BenchGatewayKind } from "../env.js";
import { BotApiServer } from "../fakes/bot-api-server.js";
import type { ChannelPeer } from "../fakes/channel-peer.js";
import { SmtpArrivalsServer } from "../fakes/smtp-arrivals-server.js";
import { TwilioMessagesServer } from "../fakes/twilio-messages-server.js";
import type { StoreLocation } from "../queue/db-probe.js";
import { GatewayProcess } from "./gateway-process.js";

/** The tenant every bench scenario uses. */
export const BENCH_TENANT: PluginRef = { companyId: "1", pluginAlias: "telegram", pluginId: "1" };
/** Its bot token (the lean fake accepts any). */
export const BENCH_BOT_TOKEN = "100001:BENCHbenchBENCHbench";

/** The `n`-th bench tenant (0: {@link BENCH_TENANT}), each a company of its own. */
export function benchTenant(n: number): PluginRef {
  return n === 0 ? BENCH_TENANT : { companyId: String(n + 1), pluginAlias: "telegram", pluginId: String(n + 1) };
}

/** The `n`-th bench tenant's bot token (0: {@link BENCH_BOT_TOKEN}). */
export function benchBotToken(n: number): string {
  return n === 0 ? BENCH_BOT_TOKEN : `${100001 + n}:BENCHbenchBENCHbench`;
}

/** The relay login of the email tenants. */
const SMTP_LOGIN = { user: "bench-shop", password: "smtp-Pa55word-bench-41c9" };
/** The domain of the email tenants' addresses. */
const MAIL_DOMAIN = "bench-shop.test";

/** The CRM contact of chat `n` (of 50) on each gateway: a Telegram user, a phone number, a mailbox. */
export function benchContact(kind: BenchGatewayKind, n: number): string {
  const k = n % 50;
  if (kind === "sms") return `+1415555${String(100 + k).padStart(4, "0")}`;
  if (kind === "email") return `customer-${k}@bench-customers.test`;
  return `tg://user?id=${100 + k}`;
}

/** A running bench stack. */
export interface BenchStack {
  /** Which gateway runs. */
  kind: BenchGatewayKind;
  crm: CrmSimulator;
  /** The lean fake Bot API (started for every kind; only Telegram calls it). */
  api: BotApiServer;
  /** The fake the gateway delivers to: {@link api} for Telegram, the Twilio fake or the SMTP relay. */
  peer: ChannelPeer;
  /** The fake Twilio (SMS stacks only). */
  twilio?: TwilioMessagesServer;
  /** The SMTP relay (email stacks only). */
  smtp?: SmtpArrivalsServer;
  /** The first (or only) replica. */
  gateway: GatewayProcess;
  /** Every replica, the first one first. */
  gateways: GatewayProcess[];
  /** The registered tenants, {@link BENCH_TENANT} first. */
  tenants: PluginRef[];
  /** Milliseconds from spawn to `/readyz` 200 (the first replica). */
  readyMs: number;
  /** The SQLite file (SQLite stacks only; empty on PostgreSQL). */
  dbPath: string;
  /** Where the replicas store everything, for {@link DbProbe.open}. */
  store: StoreLocation;
  /** Restarts the (first) gateway process on the same port and database (after a kill). */
  restart(): Promise<GatewayProcess>;
  close(): Promise<void>;
}

/** Options of {@link startBenchStack}. */
export interface BenchStackOptions {
  kind: BenchGatewayKind;
  /** Keep the gateway's declared rate limits (default off: the bench measures the machinery). */
  rateLimits?: boolean;
  /** Extra gateway environment. */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Keep every call the fake sees (default false). */
  recordCalls?: boolean;
  /**
   * `sqlite` (default): one process on its own file. `postgres`: a throwaway local server from
   * `@switchboard/testkit/postgres` (throws `PostgresUnavailableError` where there is none).
   */
  store?: "sqlite" | "postgres";
  /** Gateway processes sharing the PostgreSQL database (default 1; more than 1 needs `postgres`). */
  replicas?: number;
  /** Tenants registered and configured (default 1), each with a bot (Telegram) or an address (email) of its own; SMS tenants share the one Twilio number. */
  tenants?: number;
}

/**
 * Starts everything and registers (and for Telegram configures) the bench tenants. Replicas share
 * `SWITCHBOARD_DATABASE_URL`, `SWITCHBOARD_SECRET_KEY` and the first replica's public URL
 * (`LV_PLUGIN_SELF_URI`), as replicas behind one balancer do; each listens on its own port.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const replicas = options.replicas ?? 1;
  const storeKind = options.store ?? "sqlite";
  if (replicas > 1 && storeKind !== "postgres") throw new Error("several replicas need the PostgreSQL store");
  let postgres: PostgresServer | undefined;
  let store: StoreLocation;
  let storeEnv: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  const dbPath = storeKind === "sqlite" ? join(dir, "gateway.sqlite") : "";
  if (storeKind === "postgres") {
    try {
      postgres = await startPostgres();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    store = { kind: "postgres", url: postgres.url };
    storeEnv = { SWITCHBOARD_DATABASE_URL: postgres.url, SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64") };
  } else {
    store = { kind: "sqlite", path: dbPath };
    storeEnv = { SWITCHBOARD_DB_PATH: dbPath };
  }
  const crm = await startCrmSimulator();
  const api = await BotApiServer.start({ recordCalls: options.recordCalls ?? false });
  const twilio = options.kind === "sms" ? await TwilioMessagesServer.start() : undefined;
  const smtp = options.kind === "email" ? await SmtpArrivalsServer.start(SMTP_LOGIN) : undefined;
  const peer: ChannelPeer = twilio ?? smtp ?? api;
  const gateways: GatewayProcess[] = [];
  const close = async () => {
    await Promise.all(gateways.map((g) => g.kill()));
    await Promise.all([api.close(), crm.close(), twilio?.close(), smtp?.close()]);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const publicUrl = `http://127.0.0.1:${ports[0]}/`;
  const spawnGateway = (port: number) =>
    GatewayProcess.spawn({
      port,
      nodeArgs: options.nodeArgs,
      env: {
        ...crm.env,
        BENCH_GATEWAY: options.kind,
        BENCH_RATE_LIMITS: options.rateLimits ? "on" : "off",
        TELEGRAM_API_ROOT: api.url,
        ...(twilio ? { TWILIO_API_BASE_URL: twilio.url } : {}),
        // The relay is on loopback; no inbound SMTP server (SMTP_INBOUND_PORT unset): outbound only.
        ...(smtp ? { SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true", SMTP_INBOUND_VERIFIED_DOMAINS: MAIL_DOMAIN } : {}),
        LV_PLUGIN_SELF_URI: publicUrl,
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
        ...storeEnv,
        ...options.env,
      },
    });
  const tenants = Array.from({ length: options.tenants ?? 1 }, (_, n) =>
    options.kind === "sms" || options.kind === "email"
      ? { ...benchTenant(n), pluginAlias: options.kind }
      : benchTenant(n),
  );
  let readyMs: number;
  try {
    // The first replica migrates alone; the others then start together.
    gateways.push(spawnGateway(ports[0]!));
    readyMs = await gateways[0]!.ready();
    gateways.push(...ports.slice(1).map(spawnGateway));
    await Promise.all(gateways.slice(1).map((g) => g.ready()));
    for (const [n, tenant] of tenants.entries()) {
      const registered = await crm.register(gateways[0]!.url, tenant);
      if (registered.status !== 200)
        throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
      const settings = settingsOf(options.kind, n, twilio, smtp);
      if (settings) {
        const saved = await crm.putSettings(gateways[0]!.url, tenant, settings);
        if (saved.status !== 200) throw new Error(`settings answered ${saved.status}: ${await saved.text()}`);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    kind: options.kind,
    crm,
    api,
    peer,
    ...(twilio ? { twilio } : {}),
    ...(smtp ? { smtp } : {}),
    get gateway() {
      return gateways[0]!;
    },
    gateways,
    tenants,
    readyMs,
    dbPath,
    store,
    async restart() {
      gateways[0] = spawnGateway(ports[0]!);
      await gateways[0].ready();
      return gateways[0];
    },
    close,
  };
}

/** Tenant `n`'s settings on each gateway, saved through `PUT /protected/settings` (none for the no-op gateway). */
function settingsOf(
  kind: BenchGatewayKind,
  n: number,
  twilio: TwilioMessagesServer | undefined,
  smtp: SmtpArrivalsServer | undefined,
): Record<string, unknown> | undefined {
  if (kind === "telegram") return { main: { botToken: benchBotToken(n), allowGroups: false } };
  if (kind === "sms" && twilio) {
    const { accountSid, authToken, phoneNumber } = twilio.account;
    // Status callbacks on, as in production: each send carries its StatusCallback URL.
    return { main: { accountSid, authToken, sender: phoneNumber, statusCallbacks: true } };
  }
  if (kind === "email" && smtp) {
    const inboundAddress = `support-${n + 1}@${MAIL_DOMAIN}`;
    return {
      smtp: {
        host: smtp.host,
        port: smtp.port,
        secure: false,
        allowPlaintext: true,
        user: smtp.login.user,
        password: smtp.login.password,
      },
      mail: { from: `Bench Shop <${inboundAddress}>`, inboundAddress, defaultSubject: "Your order" },
    };
  }
  return undefined;
}

/** Pre-signed `/special/send` bodies (`{"request": <RS512 token>}`), message id null so each is queued. */
export function sendBodies(
  crm: CrmSimulator,
  gatewayUrl: string,
  count: number,
  text: (i: number) => string,
  tenant: PluginRef = BENCH_TENANT,
  kind: BenchGatewayKind = "telegram",
): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      request: crm.specialToken(gatewayUrl, tenant, {
        chat: { id: `chat-${i % 50}`, contact: benchContact(kind, i), subject: null },
        message: { id: null, content: { text: text(i), format: "text" }, attachments: [] },
      }),
    }),
  );
}
