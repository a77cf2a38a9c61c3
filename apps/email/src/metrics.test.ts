/**
 * `GET /metrics` of the email gateway with the CRM simulator, SMTP sinks and its inbound SMTP
 * server: a customer's mail that arrives by SMTP (no webhook) counts as a stored incoming event
 * (the same mail again is recognised by email's own Message-ID table before anything is stored,
 * so it counts as nothing), and the answer sent through the tenant's SMTP account as a send. No test waits for a time: each waits for a condition.
 */
import { randomBytes } from "node:crypto";
import { scrapeMetrics, scrapeMetricsUntil, type Scrape } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "./test/testbed.js";

const TOKEN = randomBytes(24).toString("hex");
const LABELS = { gateway: "email", host: "salesrender" };
let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => bed.stop());

const scrapeUntil = (ready: (scrape: Scrape) => boolean, what: string) =>
  scrapeMetricsUntil(bed.gateway.url, TOKEN, ready, what);

describe("the email gateway's GET /metrics", () => {
  it("counts mail that came in by SMTP and the answer sent", async () => {
    const before = await scrapeMetrics(bed.gateway.url, TOKEN);
    expect(before.sum("switchboard_incoming_events_total")).toBe(0);
    const marker = unique("metrics");
    const messageId = `<${marker}@example.org>`;
    const mail = { from: CUSTOMER, to: INBOUND[0], subject: marker, text: "Where is my order?", messageId };
    await bed.mailIn(mail);
    await bed.crm.waitFor(() => bed.crm.incoming.some((r) => r.body.chat.subject?.includes(marker)));
    const incoming = await scrapeUntil(
      (m) => m.sum("switchboard_incoming_events_total", { ...LABELS, outcome: "stored" }) === 1,
      "the mail counted as stored",
    );
    // SMTP is no webhook.
    expect(incoming.sum("switchboard_webhook_requests_total")).toBe(0);

    const id = unique("answer");
    const answered = await bed.send(0, {
      chat: { id: null, contact: CUSTOMER, subject: marker },
      message: { id, content: { text: "On its way", format: "text" }, attachments: [] },
    });
    expect(answered.status).toBe(202);
    const sent = await scrapeUntil(
      (m) => m.sum("switchboard_sends_total", { ...LABELS, outcome: "sent" }) === 1,
      "the answer counted as sent",
    );
    expect(bed.sinks[0].messages.some((m) => m.raw.includes("On its way"))).toBe(true);
    expect(sent.sum("switchboard_send_latency_seconds_count", LABELS)).toBe(1);
    expect(sent.sum("switchboard_crm_requests_total", { ...LABELS, kind: "incoming", outcome: "delivered" })).toBe(1);
  });
});
