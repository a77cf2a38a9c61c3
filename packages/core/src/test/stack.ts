/**
 * Starts the CRM simulator and a gateway against it, registered for two companies.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCrmSimulator, startTestStack, type CrmSimulator, type PluginRef } from "@switchboard/testkit";
import { salesrender } from "@switchboard/host-salesrender";
import type { GatewayDefinition } from "../gateway/types.js";
import { startGateway, type GatewayHandle } from "../server/start-gateway.js";

/** Two tenants: company 1 and company 2. */
export const TENANT_A: PluginRef = { companyId: "1", pluginAlias: "echo", pluginId: "11" };
export const TENANT_B: PluginRef = { companyId: "2", pluginAlias: "echo", pluginId: "22" };

/** A running CRM + gateway. */
export interface Stack {
  crm: CrmSimulator;
  gw: GatewayHandle;
  dbPath: string;
  close(): Promise<void>;
}

/** A fresh temporary SQLite path. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), "switchboard-core-")), "test.sqlite");
}

/** Starts a CRM simulator and the gateway (registering both tenants unless told not to). */
export async function startStack(
  definition: GatewayDefinition,
  options: { env?: Record<string, string>; register?: boolean; crm?: CrmSimulator; dbPath?: string } = {},
): Promise<Stack> {
  const dbPath = options.dbPath ?? tempDbPath();
  const stack = await startTestStack({
    crm: options.crm,
    tenants: options.register === false ? [] : [TENANT_A, TENANT_B],
    start: (crm) =>
      startGateway(definition, {
        hosts: [salesrender],
        port: options.env?.PORT ? Number(options.env.PORT) : 0,
        env: {
          ...crm.env,
          SWITCHBOARD_DB_PATH: dbPath,
          SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
          SWITCHBOARD_RETRY_BASE_MS: "10",
          SWITCHBOARD_RETRY_MAX_MS: "200",
          LOG_LEVEL: "silent",
          ...options.env,
        },
      }),
  });
  return { crm: stack.crm, gw: stack.gateway, dbPath, close: stack.stop };
}

/** A gateway whose process "dies" mid-send, and a way to start the next process on its database. */
export interface CrashedStack {
  crm: CrmSimulator;
  /** The first process: its send of `crmMessageId` never ends and its queue takes nothing more. */
  dying: Stack;
  /** Starts the next process on the same database and public URL (the CRM knows the plugin by it). */
  restart(definition: GatewayDefinition): Promise<Stack>;
  /** Closes the restarted process and the CRM (the dying one is left as a crash leaves it). */
  close(): Promise<void>;
}

/**
 * Sends `crmMessageId` through a gateway whose `send` never ends (the echo gateway `first`, which
 * may record parts first), with a 1 s lease and room for one send only: as if its process died
 * mid-send. Resolves once the send has started.
 */
export async function crashMidSend(
  first: { definition: GatewayDefinition; calls: unknown[] },
  crmMessageId: string,
): Promise<CrashedStack> {
  const crm = await startCrmSimulator();
  const dbPath = tempDbPath();
  const dying = await startStack(first.definition, {
    crm,
    dbPath,
    env: { SWITCHBOARD_SEND_LEASE_SECONDS: "1", LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "1" },
  });
  await crm.send(dying.gw.url, TENANT_A, textMessage(crmMessageId));
  await crm.waitFor(() => first.calls.length === 1);
  const restarted: Stack[] = [];
  return {
    crm,
    dying,
    async restart(definition) {
      const stack = await startStack(definition, {
        crm,
        dbPath,
        register: false,
        env: { LV_PLUGIN_SELF_URI: dying.gw.url },
      });
      restarted.push(stack);
      return stack;
    },
    async close() {
      await Promise.all(restarted.map((s) => s.close()));
      await crm.close();
    },
  };
}

/** A minimal valid send body. */
export function textMessage(id: string | null, text = "Hello", contact = "echo://alice") {
  return {
    chat: { id: "c-1", contact, subject: null },
    message: { id, content: { text, format: "text" }, attachments: [] },
  };
}
