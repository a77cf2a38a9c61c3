/**
 * `GET /metrics` of the Telegram gateway with the fake Bot API and the CRM simulator, on SQLite
 * and on PostgreSQL: a message Telegram takes, one it refuses for good (400), one it fails once
 * (500, then takes), and a customer's update on the webhook move the counters, the latency
 * histogram and the gauges as they should. No test waits for a time: each waits for a condition.
 */
import { randomBytes } from "node:crypto";
import { scrapeMetrics, scrapeMetricsUntil, type Scrape } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { freshChat, nextId, startTelegramStack, TOKENS, type TelegramStack } from "./test/stack.js";

const pg = await postgresTestDatabase();
const TOKEN = randomBytes(24).toString("base64url");
const updates = new UpdateBuilder();
const stacks: TelegramStack[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
});

const LABELS = { gateway: "telegram", host: "salesrender" };

const scrapeUntil = (url: string, ready: (scrape: Scrape) => boolean, what: string) =>
  scrapeMetricsUntil(url, TOKEN, ready, what);

function text(contact: string) {
  const id = nextId("metrics");
  return {
    id,
    body: {
      chat: { id: null, contact, subject: null },
      message: { id, content: { text: "hi", format: "text" }, attachments: [] },
    },
  };
}

for (const store of ["sqlite", "postgres"] as const) {
  describe.skipIf(store === "postgres" && !pg)(`the Telegram gateway's GET /metrics on ${store}`, () => {
    it("counts a send taken, one refused for good, one retried, and an incoming update", async () => {
      const env: Record<string, string> = { METRICS_TOKEN: TOKEN };
      if (store === "postgres") {
        env.SWITCHBOARD_DATABASE_URL = await pg!.server.createDatabase();
        env.SWITCHBOARD_SECRET_KEY = randomBytes(32).toString("base64");
      }
      const stack = await startTelegramStack({ env });
      stacks.push(stack);
      const before = await scrapeMetrics(stack.url, TOKEN);
      expect(before.sum("switchboard_sends_total")).toBe(0);
      expect(before.sum("switchboard_send_queue_messages", { ...LABELS, state: "queued" })).toBe(0);
      expect(before.sum("switchboard_incoming_events_total")).toBe(0);

      const [taken, refused, flaky] = [freshChat(), freshChat(), freshChat()];
      stack.fake.failNext(
        "sendMessage",
        { error_code: 400, description: "Bad Request: chat not found" },
        { chatId: refused },
      );
      stack.fake.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" }, { chatId: flaky });
      const messages = [text(`tg://user?id=${taken}`), text(`tg://user?id=${refused}`), text(`tg://user?id=${flaky}`)];
      for (const m of messages) await stack.send(0, m.body);
      await stack.waitStatus(messages[0]!.id, "sent");
      await stack.waitStatus(messages[1]!.id, "error");
      await stack.waitStatus(messages[2]!.id, "sent");
      expect(
        (await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "hello metrics"))).status,
      ).toBe(200);
      await stack.crm.waitFor(() => stack.crm.incoming.some((r) => r.body.message.content?.text === "hello metrics"));

      const after = await scrapeUntil(
        stack.url,
        (m) =>
          m.sum("switchboard_sends_total") === 4 &&
          m.sum("switchboard_crm_requests_total", { ...LABELS, kind: "incoming", outcome: "delivered" }) === 1 &&
          m.sum("switchboard_crm_outbox_requests", LABELS) === 0,
        "four send attempts, the update delivered, the outbox empty",
      );
      const sends = (outcome: string, errorClass = "") =>
        after.sum("switchboard_sends_total", { ...LABELS, action: "send", outcome, error_class: errorClass });
      expect(sends("sent")).toBe(2);
      expect(sends("failed", "ChannelRefusedError")).toBe(1);
      expect(sends("retried", "ChannelRefusedError")).toBe(1);
      expect(after.sum("switchboard_send_latency_seconds_count", LABELS)).toBe(2);
      expect(after.sum("switchboard_channel_call_duration_seconds_count", { ...LABELS, outcome: "ok" })).toBe(2);
      expect(after.sum("switchboard_channel_call_duration_seconds_count", { ...LABELS, outcome: "error" })).toBe(2);
      expect(after.sum("switchboard_send_queue_messages", LABELS)).toBe(0);
      expect(after.sum("switchboard_incoming_events_total", { ...LABELS, outcome: "stored" })).toBe(1);
      expect(
        after.sum("switchboard_webhook_requests_total", { ...LABELS, webhook: "update", outcome: "accepted" }),
      ).toBe(1);
      // The statuses of the three messages reached the CRM.
      await stack.crm.waitFor(() => messages.every((m) => stack.crm.statusesOf(m.id).length > 0));
      const statuses = await scrapeUntil(
        stack.url,
        (m) => m.sum("switchboard_crm_requests_total", { ...LABELS, kind: "status", outcome: "delivered" }) === 3,
        "three statuses delivered",
      );
      expect(statuses.sum("switchboard_crm_outbox_oldest_age_seconds", LABELS)).toBe(0);
    });
  });
}
