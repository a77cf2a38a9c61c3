import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dsnMessage } from "../test/dsn-message.js";
import { timesForwarded, waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, unique, type Testbed } from "../test/testbed.js";

function rawMail(marker: string, to: string = INBOUND[0]): string {
  return [
    `From: Customer <${CUSTOMER}>`,
    `To: ${to}`,
    "Subject: Re: Webhook",
    `Message-ID: <${marker}@customer.example.org>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Hello via webhook ${marker}`,
    "",
  ].join("\r\n");
}

describe("POST email/inbound/<token> (raw RFC 822)", () => {
  let bed: Testbed;
  const urls: string[] = [];
  beforeAll(async () => {
    bed = await startTestbed({ maxBytes: 50_000 });
    for (const ref of TENANTS) {
      const { markdown: preview } = (await (
        await bed.crm.request(bed.gateway.url, ref, "GET", "protected/preview/markdown/inbound")
      ).json()) as { markdown: string };
      urls.push(/(http:\/\/\S+\/email\/inbound\/[\w-]+)/.exec(preview)![1]!);
    }
  });
  afterAll(() => bed.stop());

  const post = (url: string, body: string, type = "message/rfc822") =>
    fetch(url, { method: "POST", body, headers: { "content-type": type } });

  it("forwards a raw message to the token's tenant, once per Message-ID", async () => {
    const marker = unique("hook");
    const first = await post(urls[0]!, rawMail(marker));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: "forwarded" });
    const again = await post(urls[0]!, rawMail(marker));
    expect(await again.json()).toEqual({ outcome: "duplicate" });
    const rec = await waitIncoming(bed, marker);
    expect(rec.ref).toEqual(TENANTS[0]);
    expect(rec.body.chat).toEqual({ id: null, contact: CUSTOMER, subject: "Webhook" });
    expect(await timesForwarded(bed, marker)).toBe(1);
  });

  it("uses the token, not the To header, to pick the tenant", async () => {
    const marker = unique("token-b");
    await post(urls[1]!, rawMail(marker, INBOUND[0]));
    expect((await waitIncoming(bed, marker)).ref).toEqual(TENANTS[1]);
  });

  it("takes the message from a form field (SendGrid raw `email`, Mailgun `body-mime`)", async () => {
    const sendgrid = unique("sendgrid");
    const form = new FormData();
    form.set("email", rawMail(sendgrid));
    form.set("to", INBOUND[0]);
    expect((await fetch(urls[0]!, { method: "POST", body: form })).status).toBe(200);
    await waitIncoming(bed, sendgrid);
    const mailgun = unique("mailgun");
    const res = await post(
      `${urls[0]!}/mime`,
      new URLSearchParams({ "body-mime": rawMail(mailgun) }).toString(),
      "application/x-www-form-urlencoded",
    );
    expect(res.status).toBe(200);
    await waitIncoming(bed, mailgun);
  });

  it("answers 404 for a wrong token", async () => {
    const res = await post(urls[0]!.replace(/[\w-]+$/, "not-a-token"), rawMail(unique("x")));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: "Unknown webhook" });
  });

  it("answers 400 for an empty body or a message without a sender, and 413 over the size limit", async () => {
    const empty = await post(urls[0]!, "");
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 400 });
    const anonymous = await post(urls[0]!, "Subject: who\r\n\r\nnobody");
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toMatchObject({ code: 400, message: expect.stringContaining("From") });
    const marker = unique("big");
    const big = await post(urls[0]!, rawMail(marker) + "z".repeat(60_000));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 413 });
    expect(await timesForwarded(bed, marker)).toBe(0);
  });

  it("accepts a bounce without a usable From (`MAILER-DAEMON <>`): no 400, no chat", async () => {
    const marker = unique("hook-bounce");
    const res = await post(
      urls[0]!,
      [
        "From: MAILER-DAEMON <>",
        `To: ${INBOUND[0]}`,
        "Subject: failure notice",
        `Message-ID: <${marker}@mx.example.net>`,
        "",
        `Hi. This is the qmail-send program at mx.example.net. ${marker}`,
        "",
        "<gone@example.net>:",
        "Sorry, no mailbox here by that name. (#5.1.1)",
        "",
      ].join("\r\n"),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: "ignored" });
    expect(await timesForwarded(bed, marker)).toBe(0);
  });

  it("sets the status of our message from a delivery report posted to it: `{outcome: status}`", async () => {
    const crmId = unique("hook-dsn");
    const before = bed.sinks[0].messages.length;
    await bed.send(0, {
      chat: { id: `chat-${crmId}`, contact: "gone@example.org", subject: "Order" },
      message: { id: crmId, content: { text: crmId, format: "text" }, attachments: [] },
    });
    const messageId = (await bed.sinks[0].waitForMessages(before + 1))[before]!.parsed.messageId!.slice(1, -1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("sent"));
    const res = await post(
      urls[0]!,
      dsnMessage({
        to: INBOUND[0],
        recipient: "gone@example.org",
        action: "failed",
        status: "5.1.1",
        diagnostic: "550 5.1.1 User unknown",
        envelopeId: messageId,
        originalMessageId: messageId,
        messageId: unique("hook-report"),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ outcome: "status" });
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(bed.crm.statusesOf(crmId)).toEqual(["sent", "error"]);
  });

  it("shares the SMTP server's dedupe and threading: mail it took is a duplicate here, and a reply threads", async () => {
    const marker = unique("both-paths");
    await bed.mailIn({ envelope: { from: CUSTOMER, to: [INBOUND[0]] }, raw: rawMail(marker) });
    const first = await waitIncoming(bed, marker);
    const again = await post(urls[0]!, rawMail(marker));
    expect(await again.json()).toEqual({ outcome: "duplicate" });
    expect(await timesForwarded(bed, marker)).toBe(1);
    // The threading row was written once the message was stored: the CRM's answer replies to it.
    const before = bed.sinks[0].messages.length;
    await bed.send(0, {
      chat: { id: "chat-" + marker, contact: CUSTOMER, subject: first.body.chat.subject ?? null },
      message: { id: unique("answer"), content: { text: "Thanks", format: "text" }, attachments: [] },
    });
    const answer = (await bed.sinks[0].waitForMessages(before + 1))[before]!;
    expect(answer.parsed.inReplyTo).toBe(`<${marker}@customer.example.org>`);
  });
});
