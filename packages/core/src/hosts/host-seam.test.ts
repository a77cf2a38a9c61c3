import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { Hono } from "hono";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelRefusedError, CrmRefusedError } from "../errors.js";
import { isSealed } from "../secrets/keyring.js";
import type { ChatMessage } from "../protocol/chat.js";
import { startGateway, type GatewayHandle } from "../server/start-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { TENANT_A, tempDbPath, textMessage } from "../test/stack.js";
import { defineHost } from "./define-host.js";
import type { DeliveryContext, HostRuntime, OutboxRequest } from "./types.js";

/** A second host that records what the outbox hands it and lets the test drive its runtime. */
function recordingHost(name = "recorder") {
  const delivered: Array<{ request: OutboxRequest; ctx: DeliveryContext }> = [];
  const state: { runtime?: HostRuntime; refuse?: "for-good" | "once"; refusedIds: string[] } = { refusedIds: [] };
  const definition = defineHost({
    name,
    readEnv: (source) => ({ greeting: source.RECORDER_GREETING ?? "none" }),
    setup(runtime, env) {
      state.runtime = runtime;
      expect(env.greeting).toBe("hello");
      return {
        async deliver(request, ctx) {
          if (state.refuse === "for-good") throw new CrmRefusedError("HTTP 418", { permanent: true, status: 418 });
          if (state.refuse === "once") {
            state.refuse = undefined;
            state.refusedIds.push(ctx.requestId);
            throw new CrmRefusedError("HTTP 503", { permanent: false, status: 503 });
          }
          delivered.push({ request, ctx });
        },
      };
    },
  });
  return { definition, delivered, state };
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const message = (id: string, text = "Hello"): ChatMessage => ({
  chat: { id: "c-1", contact: "echo://bob", subject: null },
  message: { id, content: { text, format: "text" }, attachments: [] },
});

let crm: CrmSimulator | undefined;
let gw: GatewayHandle | undefined;
afterEach(async () => {
  await gw?.stop({ timeoutMs: 500 });
  await crm?.close();
  gw = crm = undefined;
});

async function start(options: {
  hosts: string;
  echo?: ReturnType<typeof createEchoGateway>;
  recorder?: ReturnType<typeof recordingHost>;
  logger?: pino.Logger;
  dbPath?: string;
}) {
  crm ??= await startCrmSimulator();
  const echo = options.echo ?? createEchoGateway();
  const recorder = options.recorder ?? recordingHost();
  gw = await startGateway(echo.definition, {
    hosts: [salesrender, recorder.definition],
    port: 0,
    ...(options.logger ? { logger: options.logger } : {}),
    env: {
      ...crm.env,
      SWITCHBOARD_HOSTS: options.hosts,
      SWITCHBOARD_DB_PATH: options.dbPath ?? tempDbPath(),
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      SWITCHBOARD_RETRY_BASE_MS: "10",
      SWITCHBOARD_RETRY_MAX_MS: "50",
      RECORDER_GREETING: "hello",
      LOG_LEVEL: "silent",
    },
  });
  return { gw, echo, recorder, crm };
}

describe("the host seam", () => {
  it("refuses to start without hosts, or with a host the app does not serve", async () => {
    const echo = createEchoGateway();
    await expect(startGateway(echo.definition, { port: 0 })).rejects.toThrow(/needs the CRM hosts/);
    await expect(
      startGateway(echo.definition, { port: 0, hosts: [salesrender], env: { SWITCHBOARD_HOSTS: "bitrix24" } }),
    ).rejects.toThrow('SWITCHBOARD_HOSTS: unknown host "bitrix24"; this gateway serves salesrender');
  });

  it("gives each host its own tenants, queues what it accepts and delivers its tenants' requests through it", async () => {
    const { gw, echo, recorder, crm } = await start({ hosts: "salesrender,recorder" });
    const runtime = recorder.state.runtime!;
    const tenant = await runtime.tenants.open("portal-1/line-7", { country: "DE" });
    expect(tenant).toMatchObject({ host: "recorder", key: "portal-1/line-7", country: "DE" });
    expect((await runtime.tenants.open("portal-1/line-7")).id).toBe(tenant.id);
    expect((await runtime.tenants.get("portal-1/line-7"))?.id).toBe(tenant.id);
    expect((await runtime.tenants.byPublicId(tenant.publicId))?.id).toBe(tenant.id);
    // The SalesRender tenant is not this host's.
    await crm.register(gw.url, TENANT_A);
    const salesRenderTenant = (await gw.runtime.tenants.all()).find((t) => t.host === "salesrender")!;
    expect(await runtime.tenants.byId(salesRenderTenant.id)).toBeUndefined();
    expect((await runtime.tenants.all()).map((t) => t.id)).toEqual([tenant.id]);

    const hostData = { im: { chat_id: 12, message_id: 345 } };
    expect(await runtime.messages.accept(tenant, message("op-1"), { hostData })).toBe(true);
    expect(await runtime.messages.accept(tenant, message("op-1"), { hostData })).toBe(false);
    await crm.waitFor(() => recorder.delivered.length === 1);
    expect(echo.calls.map((c) => c.message.id)).toEqual(["op-1"]);
    expect(recorder.delivered[0]!.request).toEqual({
      kind: "status",
      body: { id: "op-1", status: "sent", channelIds: [`echo-${echo.calls[0]!.queueId}`], hostData },
    });
    expect(recorder.delivered[0]!.ctx).toMatchObject({ tenant: { id: tenant.id }, attempt: 1 });

    // A customer's message for this tenant goes to this host, never to the SalesRender CRM.
    await gw.runtime.forwardIncoming(tenant, {
      chat: { contact: "echo://bob" },
      message: { content: { text: "Hi", format: "text" }, attachments: [] },
    });
    await crm.waitFor(() => recorder.delivered.length === 2);
    expect(recorder.delivered[1]!.request).toEqual({
      kind: "incoming",
      body: {
        chat: { id: null, contact: "echo://bob", subject: null },
        message: { content: { text: "Hi", format: "text" }, attachments: [] },
      },
    });
    expect(crm.incoming).toHaveLength(0);
  });

  it("carries the reason of a failed send in the error status; retries a refusal that may pass and drops one for good", async () => {
    const echo = createEchoGateway();
    echo.behave(async () => {
      throw new ChannelRefusedError("chat not found", { permanent: true });
    });
    const { logger, lines } = capturedLogger();
    const { gw, recorder } = await start({ hosts: "recorder,salesrender", echo, logger });
    const runtime = recorder.state.runtime!;
    const tenant = await runtime.tenants.open("t");
    recorder.state.refuse = "once";
    await runtime.messages.accept(tenant, message("op-2"));
    await crm!.waitFor(() => recorder.delivered.length === 1);
    expect(recorder.delivered[0]!.request).toEqual({
      kind: "status",
      body: { id: "op-2", status: "error", reason: "ChannelRefusedError: chat not found" },
    });
    // The refusal that may pass was tried again: this was the second attempt.
    expect(recorder.delivered[0]!.ctx.attempt).toBe(2);
    // ... of the same request, named the same both times.
    expect(recorder.state.refusedIds).toEqual([recorder.delivered[0]!.ctx.requestId]);
    expect(recorder.delivered[0]!.ctx.requestId).toMatch(/^\d+\.\d+$/);

    recorder.state.refuse = "for-good";
    await runtime.messages.accept(tenant, message("op-3"));
    await crm!.waitFor(() => lines.some((l) => l.msg === "CRM refused the request for good; dropped"));
    expect(lines.find((l) => l.msg === "CRM refused the request for good; dropped")).toMatchObject({ status: 418 });
    expect(await gw.outbox.pending()).toBe(0);
    expect(recorder.delivered).toHaveLength(1);
  });

  it("keeps the requests of a host that is not running, says so once, and delivers them when it runs again", async () => {
    const dbPath = tempDbPath();
    const first = recordingHost();
    await start({ hosts: "salesrender,recorder", recorder: first, dbPath });
    const tenant = await first.state.runtime!.tenants.open("kept");
    await gw!.stop({ timeoutMs: 500 });
    gw = undefined;

    const { logger, lines } = capturedLogger();
    const { gw: only, crm: sim } = await start({ hosts: "salesrender", logger, dbPath });
    await sim.register(only.url, TENANT_A);
    const kept = (await only.runtime.tenants.get(tenant.id))!;
    for (const text of ["one", "two"]) {
      await only.runtime.forwardIncoming(kept, {
        chat: { contact: "echo://k" },
        message: { content: { text, format: "text" }, attachments: [] },
      });
    }
    // A SalesRender tenant's message after them is delivered; the recorder's stay stored, untried.
    const response = await sim.send(only.url, TENANT_A, textMessage("sr-1"));
    expect(response.status).toBe(202);
    // The CRM heard the status before the outbox removed its row: wait for the removal too.
    await sim.waitFor(async () => sim.statusesOf("sr-1").length === 1 && (await only.outbox.pending()) === 2);
    const attempts = only.runtime.db.$client.prepare(`SELECT attempts FROM crm_outbox`).all();
    expect(attempts).toEqual([{ attempts: 0 }, { attempts: 0 }]);
    const waiting = lines.filter((l) => String(l.msg).includes("wait for a host that is not running"));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ host: "recorder", level: 40 });
    await only.stop({ timeoutMs: 500 });
    gw = undefined;

    const second = recordingHost();
    await start({ hosts: "salesrender,recorder", recorder: second, dbPath });
    await sim.waitFor(() => second.delivered.length === 2);
    expect(
      second.delivered.map((d) => (d.request.body as { message: { content: { text: string } } }).message.content.text),
    ).toEqual(["one", "two"]);
  });

  it("migrates a host's own tables after core's, re-seals its secret columns, mounts its routes and serves its file kinds", async () => {
    const folder = mkdtempSync(join(tmpdir(), "switchboard-host-migrations-"));
    mkdirSync(join(folder, "meta"));
    writeFileSync(
      join(folder, "meta", "_journal.json"),
      JSON.stringify({
        version: "7",
        dialect: "sqlite",
        entries: [{ idx: 0, version: "6", when: 1796133450698, tag: "0000_recorder_tokens", breakpoints: true }],
      }),
    );
    // The reference to core's tenants table needs core's migrations applied first.
    writeFileSync(
      join(folder, "0000_recorder_tokens.sql"),
      "CREATE TABLE `recorder_tokens` (`tenant_id` integer NOT NULL REFERENCES `tenants`(`id`), `token` text NOT NULL);",
    );
    const tokens = sqliteTable("recorder_tokens", { tenantId: text("tenant_id"), token: text("token").notNull() });
    const recorder = recordingHost();
    const setup = recorder.definition.setup;
    recorder.definition.migrationsFolder = folder;
    recorder.definition.secretColumns = [tokens.token];
    recorder.definition.setup = async (runtime, env) => {
      const instance = await setup(runtime, env);
      const routes = new Hono<{ Variables: { language: string } }>();
      routes.get("/recorder/ping", async (c) =>
        c.json({ tenants: (await runtime.tenants.all()).length, language: c.get("language") }),
      );
      return {
        ...instance,
        routes,
        files: {
          rec: async (_tenant: unknown, key: string) => ({
            body: Buffer.from(`file ${key}`),
            contentType: "text/plain",
          }),
        },
      };
    };
    const dbPath = tempDbPath();
    const key = randomBytes(32).toString("base64");
    const env = { SWITCHBOARD_SECRET_KEY: key };
    crm ??= await startCrmSimulator();
    const boot = () =>
      startGateway(createEchoGateway().definition, {
        hosts: [salesrender, recorder.definition],
        port: 0,
        env: {
          ...crm!.env,
          ...env,
          SWITCHBOARD_HOSTS: "recorder",
          SWITCHBOARD_DB_PATH: dbPath,
          RECORDER_GREETING: "hello",
          LOG_LEVEL: "silent",
        },
      });
    gw = await boot();
    const runtime = recorder.state.runtime!;
    const tenant = await runtime.tenants.open("with-token");
    // Stored in plain text, as a row written before encryption would be.
    runtime.db.$client
      .prepare("INSERT INTO recorder_tokens (tenant_id, token) VALUES (?, ?)")
      .run(tenant.id, "plain-token");

    const ping = await fetch(`${gw.url}recorder/ping`, { headers: { "accept-language": "ru-RU" } });
    expect(await ping.json()).toEqual({ tenants: 1, language: "ru_RU" });
    // SalesRender does not run here: its routes are not mounted.
    expect((await fetch(`${gw.url}info`)).status).toBe(404);
    const file = await fetch(runtime.files.link(tenant, "rec", "k-1"));
    expect(await file.text()).toBe("file k-1");

    await gw.stop({ timeoutMs: 500 });
    gw = await boot();
    const stored = gw.runtime.db.$client.prepare("SELECT token FROM recorder_tokens").get() as { token: string };
    expect(isSealed(stored.token)).toBe(true);
    expect(recorder.state.runtime!.secrets.open(stored.token)).toBe("plain-token");
  });
});
