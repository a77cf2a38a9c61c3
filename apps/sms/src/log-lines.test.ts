import { fileURLToPath } from "node:url";
import { createLogger } from "@switchboard/core/internal";
import { checkLogLines, readDocumentedLogs } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "./test/testbed.js";

const doc = readDocumentedLogs(fileURLToPath(new URL("../../../docs/operating.md", import.meta.url)));
const lines: string[] = [];
let bed: SmsTestbed;

beforeAll(async () => {
  const logger = createLogger({ level: "trace", name: "sms" }, { write: (line: string) => void lines.push(line) });
  bed = await startSmsTestbed(1, { logger });
});
afterAll(() => bed.stop());

const events = () => lines.map((l) => (JSON.parse(l) as { event?: unknown }).event);

it("writes every line as docs/operating.md documents it, and never the Auth Token or a CRM token", async () => {
  const { account, number } = bed.tenants[0]!;
  // Sent, then delivered by a signed status callback.
  const sent = await bed.sendText(0, "+14155550401", "hello");
  await bed.waitStatus(sent, "sent");
  await bed.twilio.deliver(bed.twilio.messages.findLast((m) => m.to === "+14155550401")!.sid, "delivered");
  await bed.waitStatus(sent, "delivered");

  // Twilio refuses a number for good, then fails once with a 500 that is retried.
  bed.twilio.failNext({ status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
  await bed.waitStatus(await bed.sendText(0, "+14155550402", "refused"), "error");
  bed.twilio.failNext({ status: 500, code: 20500, message: "Internal Server Error" });
  await bed.waitStatus(await bed.sendText(0, "+14155550403", "retried"), "sent");

  // A customer writes, then texts STOP; a forged webhook is refused.
  const inbound = (from: string, body: string) =>
    bed.twilio.inboundParams({ accountSid: account.sid, from, to: number.phoneNumber, body });
  expect(
    (await bed.twilio.sendInbound(bed.inboundUrl(0), inbound("+14155550404", "hi"), account.authToken)).status,
  ).toBe(200);
  expect(
    (await bed.twilio.sendInbound(bed.inboundUrl(0), inbound("+14155550405", "STOP"), account.authToken)).status,
  ).toBe(200);
  expect((await bed.twilio.sendInbound(bed.inboundUrl(0), inbound("+14155550406", "x"), "wrong-token")).status).toBe(
    403,
  );
  await bed.waitStatus(await bed.sendText(0, "+14155550405", "after stop"), "error");
  await bed.crm.waitFor(() => bed.crm.incoming.some((r) => r.body.chat.contact === "+14155550405"));
  await bed.crm.waitFor(() => events().filter((e) => e === "outbox.delivered").length >= 7);

  expect(checkLogLines(lines, doc)).toEqual([]);
  const seen = new Set(events());
  for (const event of [
    "send.sent",
    "send.failed",
    "send.retrying",
    "webhook.received",
    "webhook.refused",
    "sms.signature_refused",
    "sms.opt_in_changed",
    "outbox.delivered",
  ])
    expect(seen, event).toContain(event);
  const all = lines.join("\n");
  expect(all).not.toContain(account.authToken);
  expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
});
