/**
 * Test harness: the Bitrix24 host's routes served on loopback next to the fake Bitrix24, with core's
 * ports played in memory where core's host runtime does not exist yet (tenants, the settings save
 * through core's own checkSettings, the send queue recorded, signed links as plain paths served by
 * the host's own file resolver). Everything the host says to Bitrix24 goes over the wire to the fake.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import {
  SettingsValidationError,
  defineSettingsForm,
  type ChatMessage,
  type HostRuntime,
  type Language,
  type MarkdownPreview,
  type SettingsData,
} from "@switchboard/core";
import {
  Keyring,
  SecretKey,
  checkSettings,
  configureOutbound,
  maskPasswords,
  openDatabase,
} from "@switchboard/core/internal";
import { startFakeBitrix24, type FakeBitrix24, type FakeBitrix24Options } from "@switchboard/testkit";
import { Hono } from "hono";
import { pino } from "pino";
import { MIGRATIONS_FOLDER } from "../db/migrations.js";
import type { Bitrix24Env } from "../env.js";
import { bitrix24 } from "../host/bitrix24-host.js";
import type { Bitrix24HostParts } from "../host/create-host.js";
import type { HostedGateway, HostPorts, LineTenant } from "../host/ports.js";

/** The echo gateway's static half (core's example gateway: `main.apiKey`, `main.webhookSecret`). */
export const echoGateway: HostedGateway = {
  name: "echo",
  info: { name: { en_US: "Echo", ru_RU: "Эхо" }, description: "Chat through the Echo messenger" },
  capabilities: {
    subject: false,
    messages: {
      formats: ["text", "markdown"],
      incoming: true,
      outgoing: true,
      writeFirst: true,
      statuses: ["sent", "delivered", "error"],
    },
    attachments: ["file", "image"],
  },
  icon: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
  settings: defineSettingsForm({
    title: "Echo",
    groups: {
      main: {
        title: "Account",
        fields: {
          apiKey: { type: "password", title: "API key", required: true },
          webhookSecret: { type: "password", title: "Webhook secret", required: true },
        },
      },
    },
  }),
};

/** One message the host put into the send queue. */
export interface AcceptedMessage {
  tenant: LineTenant;
  message: ChatMessage;
  hostData: unknown;
}

/** The running harness. */
export interface HostHarness {
  fake: FakeBitrix24;
  /** LV_PLUGIN_SELF_URI of the host's server. */
  self: string;
  host: Bitrix24HostParts;
  accepted: AcceptedMessage[];
  /** Edits and deletes the host handed to core (`messages.edit` / `messages.remove`). */
  operations: Array<{
    action: "edit" | "remove";
    tenant: LineTenant;
    crmMessageId: string;
    message?: unknown;
    operationKey: string;
    hostData?: unknown;
  }>;
  tenants: Map<string, LineTenant>;
  close(): Promise<void>;
}

/** Starts the fake Bitrix24 and the host; `verify` plays the gateway's verifySettings. */
export async function startHostHarness(
  options: {
    fake?: FakeBitrix24Options;
    verify?: (settings: SettingsData, language: Language) => Promise<void> | void;
    /** The gateway's static half (default: the echo gateway). */
    gateway?: HostedGateway;
    /** The gateway's markdown previewers, by name. */
    previews?: Record<string, MarkdownPreview>;
  } = {},
): Promise<HostHarness> {
  // As SWITCHBOARD_ALLOW_PRIVATE_URLS=true does for a gateway: the fake is on loopback.
  configureOutbound({ allowPrivate: true, downloadDeadlineMs: 30_000, downloadBudgetBytes: 64 * 1024 * 1024 });
  const fake = await startFakeBitrix24(options.fake);
  const db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "bitrix24" });
  const secrets = new Keyring(new SecretKey(randomBytes(32)));
  const tenants = new Map<string, LineTenant>();
  const accepted: AcceptedMessage[] = [];
  const operations: HostHarness["operations"] = [];
  const seen = new Set<string>();
  let self = "";
  const gateway = options.gateway ?? echoGateway;
  const ports: HostPorts = {
    gateway,
    logger: pino({ level: "silent" }),
    secrets,
    ui: { previews: options.previews ?? {} },
    publicUrl: (path) => `${self}${path}`,
    tenants: {
      async open(key) {
        let tenant = tenants.get(key);
        if (!tenant) tenants.set(key, (tenant = { id: tenants.size + 1, key, settings: {} }));
        return tenant;
      },
      get: async (key) => tenants.get(key),
      byId: async (id) => [...tenants.values()].find((t) => t.id === id),
    },
    settings: {
      masked: async (tenant) => maskPasswords(gateway.settings, tenant.settings),
      async save(tenant, input, language) {
        const check = checkSettings(gateway.settings, input, tenant.settings, language);
        if (!check.ok) throw new SettingsValidationError(check.errors);
        await options.verify?.(check.data, language);
        tenant.settings = check.data;
        return maskPasswords(gateway.settings, check.data);
      },
    },
    messages: {
      async accept(tenant, message, acceptOptions) {
        const key = `${tenant.id}\u0000${message.message.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        accepted.push({ tenant, message, hostData: acceptOptions?.hostData });
        return true;
      },
      // Core's queue decides what becomes of edits and deletes; the harness records them.
      async edit(tenant, crmMessageId, message, operation) {
        operations.push({ action: "edit", tenant, crmMessageId, message, ...operation });
        return "queued";
      },
      async remove(tenant, crmMessageId, operation) {
        operations.push({ action: "remove", tenant, crmMessageId, ...operation });
        return "queued";
      },
    },
    files: {
      link: (tenant, kind, key) => `${self}files/${tenant.id}/${kind}/${encodeURIComponent(key)}`,
    },
  };
  const env: Bitrix24Env = {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    oauthUrl: fake.url,
    ratePerSecond: 50,
    rateBurst: 50,
  };
  // The host as core starts it: its definition's readEnv and setup, given these ports as its runtime
  // (core's host runtime has more, which the host does not use).
  const instance = await bitrix24.setup(
    { ...ports, db } as unknown as HostRuntime,
    bitrix24.readEnv!({
      BITRIX24_CLIENT_ID: env.clientId,
      BITRIX24_CLIENT_SECRET: env.clientSecret,
      BITRIX24_OAUTH_URL: env.oauthUrl,
      BITRIX24_RATE_PER_SECOND: String(env.ratePerSecond),
      BITRIX24_RATE_BURST: String(env.rateBurst),
    }),
  );
  const host = instance.parts;
  const app = new Hono();
  app.route("/", host.routes);
  app.get("/files/:tenant/:kind/:key", async (c) => {
    const tenant = await ports.tenants.byId(Number(c.req.param("tenant")));
    const resolver = host.files[c.req.param("kind")];
    if (!tenant || !resolver) return c.text("not found", 404);
    const file = await resolver(tenant, decodeURIComponent(c.req.param("key")));
    return new Response(file.body, { headers: { "content-type": file.contentType ?? "application/octet-stream" } });
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    fake,
    self,
    host,
    accepted,
    operations,
    tenants,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
      db.$client.close();
    },
  };
}
