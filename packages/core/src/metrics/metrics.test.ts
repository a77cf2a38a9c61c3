/**
 * `GET /metrics` of a real gateway (core's echo gateway) with the CRM simulator, on SQLite and on
 * PostgreSQL: scraped before and after messages that are sent, fail for good and are retried, a
 * held send and the messages behind it, an incoming webhook (new, repeated, refused, for an
 * unknown tenant) while the CRM refuses and then takes it. Off without METRICS_TOKEN; 401 with
 * a wrong or missing token. No test waits for a time: each waits for a condition.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { freePort, scrapeMetrics, scrapeMetricsUntil, startCrmSimulator, type Scrape } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { salesrender } from "@switchboard/host-salesrender";
import { ChannelNetworkError, ChannelRefusedError } from "../errors.js";
import type { GatewayDefinition } from "../gateway/types.js";
import { defineHost } from "../hosts/define-host.js";
import type { HostRuntime } from "../hosts/types.js";
import { startGateway } from "../server/start-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, tempDbPath, textMessage, type Stack } from "../test/stack.js";

const pg = await postgresTestDatabase();
const TOKEN = "metrics-token-" + randomBytes(12).toString("hex");
const stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
});

type Store = "sqlite" | "postgres";

/** The environment of a gateway on `store`: a fresh PostgreSQL database each time. */
async function storeEnv(store: Store): Promise<Record<string, string>> {
  if (store === "sqlite") return {};
  return {
    SWITCHBOARD_DATABASE_URL: await pg!.server.createDatabase(),
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
  };
}

/** An echo gateway whose channel takes `ok-*`, refuses `bad-*` for good, drops `flaky-*` once, and holds `held-*` until released. */
async function scriptedStack(store: Store, env: Record<string, string> = {}) {
  const echo = createEchoGateway();
  const tries = new Map<string, number>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  echo.behave(async (message) => {
    const id = message.message.id ?? "";
    tries.set(id, (tries.get(id) ?? 0) + 1);
    if (id.startsWith("bad-")) throw new ChannelRefusedError("chat not found", { permanent: true, code: 400 });
    if (id.startsWith("flaky-") && tries.get(id) === 1) throw new ChannelNetworkError("connection reset");
    if (id.startsWith("held-")) await gate;
    return `echo-${message.queueId}`;
  });
  const stack = await startStack(echo.definition, {
    env: { METRICS_TOKEN: TOKEN, LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "1", ...(await storeEnv(store)), ...env },
  });
  stacks.push(stack);
  const tenant = await stack.gw.runtime.tenants.byKey("salesrender", "1/echo/11");
  const webhookUrl = (publicId = tenant!.publicId) => `${stack.gw.url}echo/webhook/${publicId}`;
  return { ...stack, echo, release, webhookUrl };
}

/** Scrapes until `ready` holds for a scrape (the gauges are read at most once a second), and answers that scrape. */
const scrapeUntil = (url: string, ready: (scrape: Scrape) => boolean, what: string) =>
  scrapeMetricsUntil(url, TOKEN, ready, what);

function postWebhook(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const SALESRENDER = { gateway: "echo", host: "salesrender" };

for (const store of ["sqlite", "postgres"] as const) {
  describe.skipIf(store === "postgres" && !pg)(`GET /metrics on ${store}`, () => {
    it("counts sends by outcome and error class, the latency, the queue and the outbox, and incoming events", async () => {
      const s = await scriptedStack(store);
      const before = await scrapeMetrics(s.gw.url, TOKEN);
      // Every metric is the gateway's; the depth of a running host with nothing in it is 0, not absent.
      expect(before.sum("switchboard_send_queue_messages", { ...SALESRENDER, state: "queued" })).toBe(0);
      expect(before.has("switchboard_send_queue_messages", { ...SALESRENDER, state: "leased" })).toBe(true);
      expect(before.sum("switchboard_crm_outbox_requests", SALESRENDER)).toBe(0);
      expect(before.has("switchboard_crm_outbox_oldest_age_seconds", SALESRENDER)).toBe(true);
      expect(before.sum("switchboard_sends_total")).toBe(0);
      expect(before.sum("switchboard_send_latency_seconds_count")).toBe(0);
      expect(before.has("process_cpu_user_seconds_total", { gateway: "echo" })).toBe(true);

      // One send held by the channel (leased), two behind it (queued: one send at a time).
      for (const id of ["held-1", "ok-1", "ok-2"])
        expect((await s.crm.send(s.gw.url, TENANT_A, textMessage(id))).status).toBe(202);
      const busy = await scrapeUntil(
        s.gw.url,
        (m) =>
          m.sum("switchboard_send_queue_messages", { ...SALESRENDER, state: "leased" }) === 1 &&
          m.sum("switchboard_send_queue_messages", { ...SALESRENDER, state: "queued" }) === 2,
        "one message leased, two queued",
      );
      expect(busy.sum("switchboard_sends_total")).toBe(0);
      s.release();

      // The CRM refuses customers' messages for now: the outbox holds one, failing.
      s.crm.fail({ status: 503, only: "incoming" });
      for (const id of ["bad-1", "flaky-1"]) await s.crm.send(s.gw.url, TENANT_A, textMessage(id));
      expect((await postWebhook(s.webhookUrl(), { id: "ev-1", from: "echo://bob", text: "hi" })).status).toBe(200);
      expect((await postWebhook(s.webhookUrl(), { id: "ev-1", from: "echo://bob", text: "hi" })).status).toBe(200);
      expect((await postWebhook(s.webhookUrl(), { from: "echo://bob" })).status).toBe(400);
      expect(
        (await postWebhook(s.webhookUrl(), { id: "ev-2", from: "x", text: "y" }, { "x-echo-secret": "wrong" })).status,
      ).toBe(401);
      expect((await postWebhook(s.webhookUrl("nobody"), { id: "ev-3", from: "x", text: "y" })).status).toBe(404);
      await s.crm.waitFor(() =>
        ["held-1", "ok-1", "ok-2", "flaky-1", "bad-1"].every((id) => s.crm.statusesOf(id).length > 0),
      );
      const failing = await scrapeUntil(
        s.gw.url,
        (m) =>
          m.sum("switchboard_crm_outbox_retrying_requests", SALESRENDER) === 1 &&
          m.sum("switchboard_crm_outbox_oldest_age_seconds", SALESRENDER) > 0 &&
          m.sum("switchboard_sends_total") === 6,
        "the incoming message retrying in the outbox, six send attempts counted",
      );
      expect(failing.sum("switchboard_crm_outbox_requests", SALESRENDER)).toBe(1);
      expect(
        failing.sum("switchboard_crm_requests_total", { ...SALESRENDER, kind: "incoming", outcome: "retried" }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        failing.sum("switchboard_crm_requests_total", { ...SALESRENDER, kind: "incoming", outcome: "delivered" }),
      ).toBe(0);

      // Sends: four sent (held, ok ×2, flaky on its second try), one retried, one failed for good.
      const sends = (outcome: string, errorClass = "") =>
        failing.sum("switchboard_sends_total", { ...SALESRENDER, action: "send", outcome, error_class: errorClass });
      expect(sends("sent")).toBe(4);
      expect(sends("retried", "ChannelNetworkError")).toBe(1);
      expect(sends("failed", "ChannelRefusedError")).toBe(1);
      expect(failing.sum("switchboard_send_latency_seconds_count", SALESRENDER)).toBe(4);
      expect(failing.sum("switchboard_send_latency_seconds_sum", SALESRENDER)).toBeGreaterThan(0);
      expect(failing.sum("switchboard_send_latency_seconds_bucket", { ...SALESRENDER, le: "+Inf" })).toBe(4);
      expect(failing.sum("switchboard_channel_call_duration_seconds_count", { ...SALESRENDER, outcome: "ok" })).toBe(4);
      expect(failing.sum("switchboard_channel_call_duration_seconds_count", { ...SALESRENDER, outcome: "error" })).toBe(
        2,
      );
      expect(failing.sum("switchboard_send_queue_messages", SALESRENDER)).toBe(0);

      // Incoming: one stored, its repeat, and the webhook requests by answer.
      expect(failing.sum("switchboard_incoming_events_total", { ...SALESRENDER, outcome: "stored" })).toBe(1);
      expect(failing.sum("switchboard_incoming_events_total", { ...SALESRENDER, outcome: "repeated" })).toBe(1);
      const webhooks = (outcome: string, host = "salesrender") =>
        failing.sum("switchboard_webhook_requests_total", { gateway: "echo", host, webhook: "update", outcome });
      expect(webhooks("accepted")).toBe(2);
      expect(webhooks("invalid")).toBe(1);
      expect(webhooks("refused")).toBe(1);
      expect(webhooks("unknown_tenant", "")).toBe(1);

      // The CRM takes it again: delivered, the outbox empty.
      s.crm.recover();
      await s.crm.waitFor(() => s.crm.incoming.length === 1);
      const after = await scrapeUntil(
        s.gw.url,
        (m) => m.sum("switchboard_crm_outbox_requests", SALESRENDER) === 0,
        "the outbox empty once the CRM takes requests",
      );
      expect(
        after.sum("switchboard_crm_requests_total", { ...SALESRENDER, kind: "incoming", outcome: "delivered" }),
      ).toBe(1);
      expect(after.sum("switchboard_crm_outbox_oldest_age_seconds", SALESRENDER)).toBe(0);
      expect(after.sum("switchboard_crm_outbox_retrying_requests", SALESRENDER)).toBe(0);
      // Statuses of the five messages went to the CRM too.
      expect(
        after.sum("switchboard_crm_requests_total", { ...SALESRENDER, kind: "status", outcome: "delivered" }),
      ).toBe(5);
    });
  });
}

describe("GET /metrics of edits and removals, for another host", () => {
  it("counts each edit and removal the channel carried out or refused, labelled with the tenant's host", async () => {
    const crm = await startCrmSimulator();
    const echo = createEchoGateway();
    const base = echo.definition as GatewayDefinition;
    const definition: GatewayDefinition = {
      ...base,
      capabilities: { ...base.capabilities, messages: { ...base.capabilities.messages, edit: true, delete: true } },
      async setup(runtime, env) {
        const instance = await base.setup(runtime, env);
        return {
          ...instance,
          async edit(_ctx, request) {
            if (request.message.content?.text === "refused") {
              throw new ChannelRefusedError("message can't be edited", { permanent: true });
            }
          },
          async remove() {},
        };
      },
    };
    const state: { runtime?: HostRuntime } = {};
    const recorder = defineHost({
      name: "recorder",
      setup(runtime) {
        state.runtime = runtime;
        return { async deliver() {} };
      },
    });
    const gw = await startGateway(definition, {
      hosts: [salesrender, recorder],
      port: 0,
      env: {
        ...crm.env,
        METRICS_TOKEN: TOKEN,
        SWITCHBOARD_HOSTS: "recorder",
        SWITCHBOARD_DB_PATH: tempDbPath(),
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
        LOG_LEVEL: "silent",
      },
    });
    stacks.push({ crm, gw, dbPath: "", close: async () => (await gw.stop({ timeoutMs: 500 }), await crm.close()) });
    const runtime = state.runtime!;
    const tenant = await runtime.tenants.open("portal/1");
    const text = (t: string) => ({ content: { text: t, format: "text" as const }, attachments: [] });
    await runtime.messages.accept(tenant, {
      chat: { id: "c", contact: "echo://bob", subject: null },
      message: { id: "m-1", ...text("Hello") },
    });
    const host = { gateway: "echo", host: "recorder" };
    // One at a time, each once the one before is counted (they would run in this order anyway).
    const counted = (n: number) =>
      scrapeUntil(gw.url, (m) => m.sum("switchboard_sends_total", host) === n, `${n} attempts counted`);
    await counted(1);
    expect(await runtime.messages.edit(tenant, "m-1", text("Hello, fixed"), { operationKey: "e1" })).toBe("queued");
    await counted(2);
    expect(await runtime.messages.edit(tenant, "m-1", text("refused"), { operationKey: "e2" })).toBe("queued");
    await counted(3);
    expect(await runtime.messages.remove(tenant, "m-1", { operationKey: "r1" })).toBe("queued");
    const m = await counted(4);
    const sends = (action: string, outcome: string, errorClass = "") =>
      m.sum("switchboard_sends_total", { ...host, action, outcome, error_class: errorClass });
    expect([
      sends("send", "sent"),
      sends("edit", "sent"),
      sends("edit", "failed", "ChannelRefusedError"),
      sends("remove", "sent"),
    ]).toEqual([1, 1, 1, 1]);
    // Only a message's own send has an accept-to-sent latency; every call to the channel has a duration.
    expect(m.sum("switchboard_send_latency_seconds_count", host)).toBe(1);
    expect(m.sum("switchboard_channel_call_duration_seconds_count", host)).toBe(4);
    expect(
      m.sum("switchboard_channel_call_duration_seconds_count", { ...host, action: "edit", outcome: "error" }),
    ).toBe(1);
    expect(m.sum("switchboard_sends_total", { host: "salesrender" })).toBe(0);
  });
});

describe("GET /metrics access", () => {
  it("is not there without METRICS_TOKEN: 404 {code, message} like any unknown route", async () => {
    const s = await scriptedStack("sqlite", { METRICS_TOKEN: "" });
    const response = await fetch(`${s.gw.url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 404, message: "Not found." });
  });

  it("answers 401 {code, message} with WWW-Authenticate: Bearer to a missing or wrong token, never echoing it", async () => {
    const s = await scriptedStack("sqlite");
    for (const authorization of [
      undefined,
      "Bearer wrong",
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
    ]) {
      const response = await fetch(`${s.gw.url}metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ code: 401, message: expect.any(String) });
      expect(body).not.toContain(TOKEN);
    }
    const ok = await fetch(`${s.gw.url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("answers under the path of LV_PLUGIN_SELF_URI and at the root, where scrapers look", async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const s = await scriptedStack("sqlite", {
      LV_PLUGIN_SELF_URI: `${origin}/plugins/echo`,
      PORT: String(port),
      HOST: "127.0.0.1",
    });
    expect(s.gw.url).toBe(`${origin}/plugins/echo/`);
    await s.crm.send(s.gw.url, TENANT_A, textMessage("ok-path"));
    const below = await scrapeUntil(s.gw.url, (m) => m.sum("switchboard_sends_total") === 1, "the send counted");
    const root = await scrapeMetrics(`${origin}/`, TOKEN);
    expect(root.sum("switchboard_sends_total")).toBe(below.sum("switchboard_sends_total"));
    expect((await fetch(`${origin}/metrics`)).status).toBe(401);
  });

  it("never writes the token to a log line, at any level, whatever the requests carry", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "trace" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const crm = await startCrmSimulator();
    const gw = await startGateway(createEchoGateway().definition, {
      hosts: [salesrender],
      port: 0,
      logger,
      env: {
        ...crm.env,
        METRICS_TOKEN: TOKEN,
        SWITCHBOARD_DB_PATH: tempDbPath(),
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      },
    });
    stacks.push({ crm, gw, dbPath: "", close: async () => (await gw.stop({ timeoutMs: 500 }), await crm.close()) });
    await scrapeMetrics(gw.url, TOKEN);
    for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN}`]) {
      await fetch(`${gw.url}metrics?token=${TOKEN}`, { headers: { authorization } });
      await fetch(`${gw.url}metrics/${TOKEN}`, { headers: { authorization } });
    }
    await gw.stop({ timeoutMs: 500 });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(TOKEN))).toEqual([]);
  });

  it("keeps each gateway's metrics in its own registry: two gateways in one process count apart", async () => {
    const a = await scriptedStack("sqlite");
    const b = await scriptedStack("sqlite");
    await a.crm.send(a.gw.url, TENANT_A, textMessage("ok-a"));
    await scrapeUntil(a.gw.url, (m) => m.sum("switchboard_sends_total", { outcome: "sent" }) === 1, "a's send counted");
    const other = await scrapeMetrics(b.gw.url, TOKEN);
    expect(other.sum("switchboard_sends_total")).toBe(0);
  });
});
