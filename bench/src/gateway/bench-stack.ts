/**
 * @module gateway/bench-stack — one measured setup: the CRM simulator and the lean fake Bot API in
 * this process, a gateway in a child process with its own SQLite file, one registered tenant.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startCrmSimulator, type CrmSimulator, type PluginRef } from "@switchboard/testkit";
import { BotApiServer } from "../fakes/bot-api-server.js";
import { GatewayProcess } from "./gateway-process.js";

/** The tenant every bench scenario uses. */
export const BENCH_TENANT: PluginRef = { companyId: "1", pluginAlias: "telegram", pluginId: "1" };
/** Its bot token (the lean fake accepts any). */
export const BENCH_BOT_TOKEN = "100001:BENCHbenchBENCHbench";

/** A running bench stack. */
export interface BenchStack {
  crm: CrmSimulator;
  api: BotApiServer;
  gateway: GatewayProcess;
  /** Milliseconds from spawn to `/readyz` 200. */
  readyMs: number;
  dbPath: string;
  /** Restarts the gateway process on the same port and database (after a kill). */
  restart(): Promise<GatewayProcess>;
  close(): Promise<void>;
}

/** Options of {@link startBenchStack}. */
export interface BenchStackOptions {
  kind: "telegram" | "noop";
  /** Keep the gateway's declared rate limits (default off: the bench measures the machinery). */
  rateLimits?: boolean;
  /** Extra gateway environment. */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Keep every call the fake sees (default false). */
  recordCalls?: boolean;
}

/** Starts everything and registers (and for Telegram configures) the bench tenant. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const crm = await startCrmSimulator();
  const api = await BotApiServer.start({ recordCalls: options.recordCalls ?? false });
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  const dbPath = join(dir, "gateway.sqlite");
  const port = await freePort();
  const spawnGateway = () =>
    GatewayProcess.spawn({
      port,
      nodeArgs: options.nodeArgs,
      env: {
        ...crm.env,
        BENCH_GATEWAY: options.kind,
        BENCH_RATE_LIMITS: options.rateLimits ? "on" : "off",
        TELEGRAM_API_ROOT: api.url,
        SWITCHBOARD_DB_PATH: dbPath,
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
        ...options.env,
      },
    });
  let gateway = spawnGateway();
  const readyMs = await gateway.ready();
  const registered = await crm.register(gateway.url, BENCH_TENANT);
  if (registered.status !== 200)
    throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
  if (options.kind === "telegram") {
    const saved = await crm.putSettings(gateway.url, BENCH_TENANT, {
      main: { botToken: BENCH_BOT_TOKEN, allowGroups: false },
    });
    if (saved.status !== 200) throw new Error(`settings answered ${saved.status}: ${await saved.text()}`);
  }
  return {
    crm,
    api,
    get gateway() {
      return gateway;
    },
    readyMs,
    dbPath,
    async restart() {
      gateway = spawnGateway();
      await gateway.ready();
      return gateway;
    },
    async close() {
      await gateway.kill();
      await Promise.all([api.close(), crm.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pre-signed `/special/send` bodies (`{"request": <RS512 token>}`), message id null so each is queued. */
export function sendBodies(
  crm: CrmSimulator,
  gatewayUrl: string,
  count: number,
  text: (i: number) => string,
): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      request: crm.specialToken(gatewayUrl, BENCH_TENANT, {
        chat: { id: `chat-${i % 50}`, contact: `tg://user?id=${100 + (i % 50)}`, subject: null },
        message: { id: null, content: { text: text(i), format: "text" }, attachments: [] },
      }),
    }),
  );
}
