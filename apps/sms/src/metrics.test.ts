/**
 * `GET /metrics` of the SMS gateway with the fake Twilio and the CRM simulator: a message Twilio
 * takes and later reports delivered by its signed status callback, one it refuses for good, a
 * customer's SMS (delivered twice by Twilio, and once forged) move the counters as
 * docs/operating.md says. No test waits for a time: each waits for a condition.
 */
import { randomBytes } from "node:crypto";
import { scrapeMetrics, scrapeMetricsUntil, type Scrape } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "./test/testbed.js";

const TOKEN = randomBytes(24).toString("base64url");
const LABELS = { gateway: "sms", host: "salesrender" };
let bed: SmsTestbed;

beforeAll(async () => {
  bed = await startSmsTestbed(1, { env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => bed.stop());

const scrapeUntil = (ready: (scrape: Scrape) => boolean, what: string) =>
  scrapeMetricsUntil(bed.url, TOKEN, ready, what);

describe("the SMS gateway's GET /metrics", () => {
  it("counts sends, Twilio's status callback, and inbound SMS stored, repeated and forged", async () => {
    const before = await scrapeMetrics(bed.url, TOKEN);
    expect(before.sum("switchboard_sends_total")).toBe(0);
    expect(before.sum("switchboard_incoming_events_total")).toBe(0);

    const sent = await bed.sendText(0, "+14155550501", "hello");
    await bed.waitStatus(sent, "sent");
    bed.twilio.failNext({ status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    await bed.waitStatus(await bed.sendText(0, "+14155550502", "refused"), "error");
    await bed.twilio.deliver(bed.twilio.messages.findLast((m) => m.to === "+14155550501")!.sid, "delivered");
    await bed.waitStatus(sent, "delivered");

    const { account, number } = bed.tenants[0]!;
    const inbound = bed.twilio.inboundParams({
      accountSid: account.sid,
      from: "+14155550503",
      to: number.phoneNumber,
      body: "hi from a customer",
    });
    // Twilio delivering the same SMS twice (same MessageSid), then a request with a wrong signature.
    for (let i = 0; i < 2; i++) {
      expect((await bed.twilio.sendInbound(bed.inboundUrl(0), inbound, account.authToken)).status).toBe(200);
    }
    expect((await bed.twilio.sendInbound(bed.inboundUrl(0), inbound, "wrong-token")).status).toBe(403);
    await bed.crm.waitFor(() => bed.crm.incoming.some((r) => r.body.message.content?.text === "hi from a customer"));

    const after = await scrapeUntil(
      (m) =>
        m.sum("switchboard_sends_total") === 2 &&
        m.sum("switchboard_crm_requests_total", { ...LABELS, kind: "incoming", outcome: "delivered" }) === 1 &&
        m.sum("switchboard_crm_outbox_requests", LABELS) === 0,
      "two send attempts, the SMS delivered to the CRM, the outbox empty",
    );
    const sends = (outcome: string, errorClass = "") =>
      after.sum("switchboard_sends_total", { ...LABELS, action: "send", outcome, error_class: errorClass });
    expect(sends("sent")).toBe(1);
    expect(sends("failed", "ChannelRefusedError")).toBe(1);
    expect(after.sum("switchboard_send_latency_seconds_count", LABELS)).toBe(1);
    // The delivered status and the customer's SMS are stored; Twilio's repeat of the SMS is not.
    expect(after.sum("switchboard_incoming_events_total", { ...LABELS, outcome: "stored" })).toBe(2);
    expect(after.sum("switchboard_incoming_events_total", { ...LABELS, outcome: "repeated" })).toBe(1);
    const webhook = (name: string, outcome: string) =>
      after.sum("switchboard_webhook_requests_total", { ...LABELS, webhook: name, outcome });
    expect(webhook("status", "accepted")).toBe(1);
    expect(webhook("inbound", "accepted")).toBe(2);
    expect(webhook("inbound", "refused")).toBe(1);
    expect(after.sum("switchboard_send_queue_messages", LABELS)).toBe(0);
  });
});
