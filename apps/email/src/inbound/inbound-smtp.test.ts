import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incomingWith, smtpFailure, timesForwarded, waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, unique, type Testbed } from "../test/testbed.js";

const PDF = Buffer.from("%PDF-1.7\n" + "binary\u0000\u00ff".repeat(500), "latin1");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

describe("receiving by SMTP (email → CRM)", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ maxBytes: 200_000 });
  });
  afterAll(() => bed.stop());

  it("forwards the text part with the sender as contact and the subject without reply prefixes", async () => {
    const marker = unique("plain");
    await bed.mailIn({
      from: "Customer <Customer@Example.org>",
      to: INBOUND[0],
      subject: "Re: Fwd: Where is my order?",
      text: `Hello ${marker}`,
    });
    const rec = await waitIncoming(bed, marker);
    expect(rec?.ref).toEqual(TENANTS[0]);
    expect(rec?.body).toEqual({
      chat: { id: null, contact: CUSTOMER, subject: "Where is my order?" },
      message: { content: { text: `Hello ${marker}`, format: "text" }, attachments: [] },
    });
  });

  it("accepts the inbound address in any letter case", async () => {
    const marker = unique("case");
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[0].toUpperCase(), subject: "x", text: marker });
    await bed.crm.waitFor(() => incomingWith(bed, marker).length === 1);
  });

  it("removes the quoted history below the new text", async () => {
    const marker = unique("quote");
    const text = `Yes, send it ${marker}\n\nOn Mon, 1 Jan 2024 at 10:00, Shop A <shop@a.test> wrote:\n> Shall we send it?\n> Shop A`;
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "Re: Delivery", text });
    const rec = await waitIncoming(bed, marker);
    expect(rec?.body.message.content).toEqual({ text: `Yes, send it ${marker}`, format: "text" });
  });

  it("forwards sanitised HTML when there is no text part", async () => {
    const marker = unique("html");
    await bed.mailIn({
      from: CUSTOMER,
      to: INBOUND[0],
      subject: "html",
      html: `<p onmouseover="steal()">Hi <b>${marker}</b></p><script>alert(1)</script><div class="gmail_quote"><div class="gmail_attr">On Wed, 30 Apr 2025 at 15:19, Shop A &lt;shop@a.test&gt; wrote:</div><blockquote class="gmail_quote">old</blockquote></div>`,
    });
    const rec = await waitIncoming(bed, marker);
    expect(rec?.body.message.content?.format).toBe("html");
    expect(rec?.body.message.content?.text).toBe(`<p>Hi <b>${marker}</b></p>`);
  });

  it("stores attachments and inline images behind signed URLs that serve the same bytes", async () => {
    const marker = unique("files");
    await bed.mailIn({
      from: CUSTOMER,
      to: INBOUND[0],
      subject: "files",
      html: `<p>${marker}</p><img src="cid:logo@customer">`,
      attachments: [
        { filename: "order.pdf", content: PDF, contentType: "application/pdf" },
        { filename: "logo.png", content: PNG, contentType: "image/png", cid: "logo@customer" },
        { filename: "voice.ogg", content: Buffer.from("OggS voice"), contentType: "audio/ogg" },
        { filename: "invoice.html", content: Buffer.from("<script>alert(1)</script>"), contentType: "text/html" },
        {
          filename: "chart.svg",
          content: Buffer.from("<svg><script>alert(1)</script></svg>"),
          contentType: "image/svg+xml",
        },
      ],
    });
    const rec = await waitIncoming(bed, marker);
    const attachments = rec?.body.message.attachments ?? [];
    expect(attachments.map((a) => [a.name, a.type]).sort()).toEqual([
      ["chart.svg", "image"],
      ["invoice.html", "file"],
      ["logo.png", "image"],
      ["order.pdf", "file"],
      ["voice.ogg", "voice"],
    ]);
    const served = new Map<string, [string | null, string | null, string | null]>();
    for (const a of attachments) {
      const res = await fetch(a.uri);
      await res.arrayBuffer();
      served.set(a.name, [
        res.headers.get("content-disposition")?.split(";")[0] ?? null,
        res.headers.get("x-content-type-options"),
        res.headers.get("content-security-policy"),
      ]);
    }
    const csp = "sandbox; default-src 'none'";
    expect(Object.fromEntries(served)).toEqual({
      "chart.svg": ["attachment", "nosniff", csp],
      "invoice.html": ["attachment", "nosniff", csp],
      "logo.png": ["inline", "nosniff", csp],
      "order.pdf": ["inline", "nosniff", csp],
      "voice.ogg": ["inline", "nosniff", csp],
    });
    const uri = (name: string): string => attachments.find((a) => a.name === name)!.uri;
    for (const a of attachments) expect(a.uri.startsWith(bed.gateway.url)).toBe(true);
    const pdf = await fetch(uri("order.pdf"));
    expect(pdf.status).toBe(200);
    expect(sha(Buffer.from(await pdf.arrayBuffer()))).toBe(sha(PDF));
    const png = await fetch(uri("logo.png"));
    expect(sha(Buffer.from(await png.arrayBuffer()))).toBe(sha(PNG));
    // The inline image in the HTML points at its stored copy instead of the unusable cid: link.
    expect(rec?.body.message.content?.text).toContain(`src="${uri("logo.png")}"`);
    // A link with a tampered signature is refused.
    const forged = uri("order.pdf").replace(
      // base64url: the signature may start with "-" or "_".
      /\.([\w-])([\w-]*)\//,
      (_m, first: string, rest: string) => `.${first === "A" ? "B" : "A"}${rest}/`,
    );
    expect(forged).not.toBe(uri("order.pdf"));
    expect([403, 404]).toContain((await fetch(forged)).status);
  });

  it("names an unnamed attachment of a type called like Object's properties plainly", async () => {
    const marker = unique("proto-type");
    const raw = [
      `From: ${CUSTOMER}`,
      `To: ${INBOUND[0]}`,
      "Subject: odd type",
      `Message-ID: <${marker}@example.org>`,
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=zz",
      "",
      "--zz",
      "Content-Type: text/plain",
      "",
      marker,
      "--zz",
      "Content-Type: constructor",
      "Content-Disposition: attachment",
      "",
      "AAAA",
      "--zz--",
      "",
    ].join("\r\n");
    await bed.mailIn({ envelope: { from: CUSTOMER, to: [INBOUND[0]] }, raw });
    const rec = await waitIncoming(bed, marker);
    expect(rec.body.message.attachments?.map((a) => a.name)).toEqual(["attachment-1"]);
  });

  it("forwards a Message-ID only once", async () => {
    const marker = unique("dup");
    const mail = {
      from: CUSTOMER,
      to: INBOUND[0],
      subject: "dup",
      text: marker,
      messageId: `<${marker}@customer.example.org>`,
    };
    await bed.mailIn(mail);
    await bed.mailIn(mail);
    await bed.crm.waitFor(() => incomingWith(bed, marker).length === 1);
    expect(await timesForwarded(bed, marker)).toBe(1);
  });

  it("refuses unknown recipients with 550 at RCPT", async () => {
    const error = await smtpFailure(bed.mailIn({ from: CUSTOMER, to: "nobody@a.test", subject: "x", text: "x" }));
    expect(error.responseCode).toBe(550);
    expect(error.message).toContain("nobody@a.test");
  });

  it("refuses a message over the size limit with 552 and forwards nothing", async () => {
    const marker = unique("big");
    const error = await smtpFailure(
      bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "big", text: marker + "y".repeat(300_000) }),
    );
    expect(error.responseCode).toBe(552);
    expect(await timesForwarded(bed, marker)).toBe(0);
  });

  it("refuses a message without a sender with 550", async () => {
    const raw = `To: ${INBOUND[0]}\r\nSubject: anonymous\r\nMessage-ID: <anon@x>\r\n\r\nwho am I\r\n`;
    const error = await smtpFailure(bed.mailIn({ envelope: { from: "", to: [INBOUND[0]] }, raw }));
    expect(error.responseCode).toBe(550);
  });

  it("ignores mail from the tenant's own address, so no loop is possible", async () => {
    const marker = unique("own");
    await bed.mailIn({ from: "Shop A <SHOP@a.test>", to: INBOUND[0], subject: "loop", text: marker });
    await bed.mailIn({ from: INBOUND[0], to: INBOUND[0], subject: "loop", text: marker });
    expect(await timesForwarded(bed, marker)).toBe(0);
  });

  it("forwards automatic replies like any other mail", async () => {
    const marker = unique("auto");
    await bed.mailIn({
      from: CUSTOMER,
      to: INBOUND[0],
      subject: "Automatic reply: Order",
      text: `I am on vacation ${marker}`,
      headers: { "Auto-Submitted": "auto-replied", "X-Autoreply": "yes" },
    });
    await bed.crm.waitFor(() => incomingWith(bed, marker).length === 1);
  });

  it("delivers a mail to two tenants' addresses to each tenant, and each only once", async () => {
    const marker = unique("both");
    await bed.mailIn({ from: CUSTOMER, to: [INBOUND[0], INBOUND[1]], subject: "both", text: marker });
    const recs = await bed.crm.waitFor(() =>
      incomingWith(bed, marker).length === 2 ? incomingWith(bed, marker) : undefined,
    );
    expect(recs.map((r) => r.ref.companyId).sort()).toEqual([TENANTS[0].companyId, TENANTS[1].companyId]);
  });

  it("a mail to company B reaches only company B", async () => {
    const marker = unique("only-b");
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[1], subject: "b", text: marker });
    const rec = await waitIncoming(bed, marker);
    expect(rec?.ref).toEqual(TENANTS[1]);
    expect(await timesForwarded(bed, marker)).toBe(1);
  });
});

function sha(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
