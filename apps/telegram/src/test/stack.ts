/**
 * The whole loop for tests: CRM simulator → Telegram gateway → fake Bot API, with two companies
 * registered, each with its own bot.
 */
import { salesrender, SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { startGateway, type GatewayHandle, type StartGatewayOptions } from "@switchboard/core";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeTelegram, type FakeTelegram } from "@switchboard/testkit/telegram";
import { telegram, type TelegramGateway } from "../gateway.js";
import {
  startFileServer,
  startTestStack,
  uniqueId,
  type CrmSimulator,
  type FileServer,
  type PluginRef,
  type SendBody,
} from "@switchboard/testkit";

/** Company A and company B, each with its own bot token. */
export const TENANTS: readonly [PluginRef, PluginRef] = [
  { companyId: "101", pluginAlias: "telegram", pluginId: "1" },
  { companyId: "202", pluginAlias: "telegram", pluginId: "2" },
];
/** Bot tokens of the two companies (the fake knows both). */
export const TOKENS = ["111111:AAfirst-company-token-xyz", "222222:BBsecond-company-token-xyz"] as const;

/** A running stack. */
export interface TelegramStack {
  fake: FakeTelegram;
  crm: CrmSimulator;
  files: FileServer;
  gw: GatewayHandle<TelegramGateway>;
  /** The gateway's base URL (LV_PLUGIN_SELF_URI). */
  url: string;
  /** Sends as the CRM and asserts the 202. */
  send(tenant: 0 | 1, body: SendBody): Promise<void>;
  /** Waits for the CRM to hear `status` for a message id. */
  waitStatus(id: string, status: "sent" | "error"): Promise<void>;
  /**
   * Stops the gateway and starts it again on the same port (the URL Telegram and the CRM hold stays
   * valid) with the core variables given (the same database file, say), once it answers; `close`
   * stops it too.
   */
  restart(env: Record<string, string>): Promise<GatewayHandle<TelegramGateway>>;
  close(): Promise<void>;
}

let chats = 5000;

/** A chat id no other test in this file uses (the gateway rate-limits per chat). */
/** Core's id of the tenant a plugin reference registered as. */
export async function tenantIdOf(stack: Pick<TelegramStack, "gw">, ref: PluginRef): Promise<number> {
  const tenant = await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref));
  if (!tenant) throw new Error(`${ref.companyId}/${ref.pluginAlias}/${ref.pluginId} is not registered`);
  return tenant.id;
}

export function freshChat(): number {
  return ++chats;
}

/** A CRM message id unique in this process. */
export function nextId(prefix = "m"): string {
  return uniqueId(prefix);
}

/** Starts everything; both tenants are registered and (unless `configure: false`) have saved settings. */
export async function startTelegramStack(
  options: {
    configure?: boolean;
    allowGroups?: boolean;
    env?: Record<string, string>;
    logger?: StartGatewayOptions["logger"];
    /** The API root the gateway uses, given the fake's (e.g. a proxy in front of it). */
    apiRoot?: (fakeUrl: string) => Promise<string>;
  } = {},
): Promise<TelegramStack> {
  const fake = await startFakeTelegram();
  TOKENS.forEach((token, i) => fake.addBot(token, { username: `company_${i}_bot` }));
  const files = await startFileServer();
  const apiRoot = options.apiRoot ? await options.apiRoot(fake.url) : fake.url;
  const stack = await startTestStack({
    tenants: TENANTS,
    start: (crm) =>
      startGateway(telegram, {
        hosts: [salesrender],
        env: { ...conformanceEnv(crm), ...options.env },
        gatewayEnv: { apiRoot },
        port: 0,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    settings: (i) =>
      options.configure === false
        ? undefined
        : { main: { botToken: TOKENS[i]!, allowGroups: options.allowGroups ?? false } },
  });
  let restarted: GatewayHandle<TelegramGateway> | undefined;
  return {
    fake,
    crm: stack.crm,
    files,
    gw: stack.gateway,
    url: stack.url,
    send: stack.sendAccepted,
    waitStatus: stack.waitStatus,
    async restart(env) {
      const running = restarted ?? stack.gateway;
      await running.stop({ timeoutMs: 1000 });
      restarted = await startGateway(telegram, {
        hosts: [salesrender],
        env: { ...conformanceEnv(stack.crm), ...env },
        gatewayEnv: { apiRoot },
        port: running.port,
        ...(options.logger ? { logger: options.logger } : {}),
      });
      const url = restarted.url;
      // Kept-alive sockets to the stopped process fail once each; use them up first.
      await stack.crm.waitFor(async () => (await fetch(`${url}healthz`).catch(() => undefined))?.ok);
      return restarted;
    },
    async close() {
      await restarted?.stop({ timeoutMs: 1000 });
      await stack.stop();
      await Promise.all([fake.close(), files.close()]);
    },
  };
}
