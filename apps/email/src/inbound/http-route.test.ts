import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    expect(await res.json()).toEqual({ code: 404, message: "Not found" });
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
});
