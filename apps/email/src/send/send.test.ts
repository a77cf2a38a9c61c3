import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFileServer, type FileServer } from "@switchboard/testkit";
import { freePort, waitFor } from "@switchboard/testkit";
import { startSmtpSink } from "@switchboard/testkit/smtp";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, TEST_TLS, unique, type Testbed } from "../test/testbed.js";

const PDF = Buffer.from("%PDF-1.4\n% fake but byte-exact\n" + "x".repeat(3000));
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("sending (CRM → email)", () => {
  let bed: Testbed;
  let files: FileServer;
  beforeAll(async () => {
    bed = await startTestbed();
    files = await startFileServer();
    files.put("invoice.pdf", PDF, "application/pdf");
    files.put("photo", PNG, "image/png");
  });
  afterAll(async () => {
    await bed.stop();
    await files.close();
  });
  beforeEach(() => bed.sinks[0].reset());

  function message(id: string, content: { text: string; format: string } | null, extra: Record<string, unknown> = {}) {
    return {
      chat: { id: `chat-${id}`, contact: CUSTOMER, subject: `Order ${id}` },
      message: { id, content, attachments: [] },
      ...extra,
    };
  }

  it("sends text as a single text/plain part, threaded headers set, and reports `sent`", async () => {
    const id = unique("text");
    expect((await bed.send(0, message(id, { text: `Hello ${id}`, format: "text" }))).status).toBe(202);
    const [mail] = await bed.sinks[0].waitForMessages(1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));
    const { parsed, envelope, raw } = mail!;
    expect(parsed.text?.trim()).toBe(`Hello ${id}`);
    expect(parsed.html).toBe(false);
    expect(raw.toString()).toMatch(/^Content-Type: text\/plain/im);
    expect(raw.toString()).not.toMatch(/multipart\/alternative/i);
    expect(parsed.subject).toBe(`Order ${id}`);
    expect(parsed.from?.value[0]).toEqual({ name: "Shop A", address: "shop@a.test" });
    expect(parsed.replyTo?.value[0]?.address).toBe(INBOUND[0]);
    expect(parsed.to).toMatchObject({ value: [{ address: CUSTOMER }] });
    expect(parsed.messageId).toMatch(/^<sb\.[\w-]+@127\.0\.0\.1>$/);
    expect(parsed.inReplyTo).toBeUndefined();
    // Bounces come back to the inbound address; failures are reported by DSN where offered.
    expect(envelope.mailFrom).toBe(INBOUND[0]);
    expect(envelope.user).toBe("shop-a");
    expect(envelope.dsn.notify).toEqual({ [CUSTOMER]: ["FAILURE"] });
    expect(envelope.dsn.envid).toBe(parsed.messageId?.slice(1, -1));
    expect(envelope.dsn.ret).toBe("HDRS");
  });

  it("sends markdown as rendered HTML with the markdown as the text alternative", async () => {
    const id = unique("md");
    const markdown = `**Bold ${id}** and a [link](https://shop.test/)`;
    await bed.send(0, message(id, { text: markdown, format: "markdown" }));
    const [mail] = await bed.sinks[0].waitForMessages(1);
    expect(mail!.raw.toString()).toMatch(/multipart\/alternative/i);
    expect(mail!.parsed.html).toContain(`<strong>Bold ${id}</strong>`);
    expect(mail!.parsed.html).toContain(`<a href="https://shop.test/">link</a>`);
    expect(mail!.parsed.text?.trim()).toBe(markdown);
  });

  it("sends HTML with a generated plain-text alternative", async () => {
    const id = unique("html");
    await bed.send(0, message(id, { text: `<h1>Hi</h1><p>Your order <b>${id}</b> shipped.</p>`, format: "html" }));
    const [mail] = await bed.sinks[0].waitForMessages(1);
    expect(mail!.raw.toString()).toMatch(/multipart\/alternative/i);
    expect(mail!.parsed.html).toContain(`<b>${id}</b>`);
    expect(mail!.parsed.text).toContain(`Your order ${id} shipped.`);
    expect(mail!.parsed.text).not.toContain("<");
  });

  it("uses the default subject when the chat has none", async () => {
    const id = unique("nosubj");
    await bed.send(0, {
      chat: { id: `chat-${id}`, contact: `x-${id}@example.org`, subject: null },
      message: { id, content: { text: "hi", format: "text" }, attachments: [] },
    });
    const [mail] = await bed.sinks[0].waitForMessages(1);
    expect(mail!.parsed.subject).toBe("Message from Shop A");
  });

  it("attaches downloaded files with their names and content types, byte for byte", async () => {
    const id = unique("att");
    await bed.send(0, {
      ...message(id, { text: "See attached", format: "text" }),
      message: {
        id,
        content: { text: "See attached", format: "text" },
        attachments: [
          { name: "invoice.pdf", uri: files.put("invoice.pdf", PDF, "application/pdf"), type: "file" },
          { name: "photo.png", uri: files.put("photo", PNG, "image/png"), type: "image" },
        ],
      },
    });
    const [mail] = await bed.sinks[0].waitForMessages(1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));
    const attachments = mail!.parsed.attachments.map((a) => ({
      name: a.filename,
      type: a.contentType,
      sha: sha(a.content),
    }));
    expect(attachments).toEqual([
      { name: "invoice.pdf", type: "application/pdf", sha: sha(PDF) },
      { name: "photo.png", type: "image/png", sha: sha(PNG) },
    ]);
  });

  it("an attachment that cannot be downloaded fails the message with `error`", async () => {
    const id = unique("att404");
    await bed.send(0, {
      ...message(id, null),
      message: {
        id,
        content: null,
        attachments: [{ name: "gone.pdf", uri: files.put("gone", PDF).replace("gone", "gone.pdf"), type: "file" }],
      },
    });
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"));
    expect(bed.sinks[0].messages).toHaveLength(0);
  });

  it("a 550 from the server is permanent: `error`, and the message is not tried again", async () => {
    const id = unique("550");
    bed.sinks[0].failNext({ code: 550, message: "5.1.1 <customer@example.org>: mailbox unavailable", stage: "RCPT" });
    await bed.send(0, message(id, { text: `Bounce ${id}`, format: "text" }));
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"));
    // A later message getting through shows the queue moved on without retrying the refused one.
    const next = unique("after-550");
    await bed.send(0, message(next, { text: `Next ${next}`, format: "text" }));
    await bed.crm.waitFor(() => bed.crm.statusesOf(next).includes("sent"));
    expect(bed.sinks[0].messages.map((m) => m.parsed.text?.trim())).toEqual([`Next ${next}`]);
    expect(bed.crm.statusesOf(id)).toEqual(["error"]);
  });

  it.each([
    ["421 at MAIL", { code: 421, stage: "MAIL" as const }],
    ["451 at DATA", { code: 451, stage: "DATA" as const }],
  ])("%s is retried until the message is accepted, then `sent`", async (_what, reply) => {
    const id = unique("retry");
    bed.sinks[0].failNext(reply);
    await bed.send(0, message(id, { text: `Retry ${id}`, format: "text" }));
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));
    expect(bed.sinks[0].pendingReplies).toBe(0);
    expect(bed.sinks[0].messages.map((m) => m.parsed.text?.trim())).toEqual([`Retry ${id}`]);
    expect(bed.crm.statusesOf(id)).toEqual(["sent"]);
  });

  it("an unreachable SMTP server is retried until it is back, then `sent`", async () => {
    const port = await freePort();
    const account = { user: "down-b", password: "pass-down" };
    let server = await startSmtpSink({ port, auth: account, tls: TEST_TLS });
    const settings = bed.settings(1);
    const put = await bed.crm.putSettings(bed.gateway.url, TENANTS[1], {
      ...settings,
      smtp: { ...settings.smtp, port, ...account },
    });
    expect(put.status).toBe(200);
    await server.close();
    try {
      const id = unique("down");
      await bed.send(1, message(id, { text: `While down ${id}`, format: "text" }));
      // Core records each failed attempt; wait for a few so the outage is real, then come back.
      await waitFor(() => attemptsOf(bed, id) >= 2, 5000);
      server = await startSmtpSink({ port, auth: account, tls: TEST_TLS });
      await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));
      expect(server.messages.map((m) => m.parsed.text?.trim())).toEqual([`While down ${id}`]);
    } finally {
      await server.close();
      await bed.crm.putSettings(bed.gateway.url, TENANTS[1], settings);
    }
  });

  it("company B's messages go through B's own account with B's addresses", async () => {
    const id = unique("tenant-b");
    bed.sinks[1].reset();
    await bed.send(1, message(id, { text: `From B ${id}`, format: "text" }));
    const [mail] = await bed.sinks[1].waitForMessages(1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));
    expect(mail!.envelope.user).toBe("shop-b");
    expect(mail!.envelope.mailFrom).toBe(INBOUND[1]);
    expect(mail!.parsed.from?.value[0]?.address).toBe(INBOUND[1]);
    expect(bed.sinks[0].messages).toHaveLength(0);
    expect(bed.crm.statuses.find((s) => s.body.id === id)?.ref).toEqual(TENANTS[1]);
  });

  it("refuses a contact that is not an email address with `error`", async () => {
    const id = unique("badcontact");
    await bed.send(0, {
      chat: { id: "c", contact: "not an address", subject: null },
      message: { id, content: { text: "x", format: "text" }, attachments: [] },
    });
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"));
  });

  it.each([
    ["a header after a line break", `${CUSTOMER}\r\nBcc: victim@evil.test`],
    ["a bare line feed", `${CUSTOMER}\nBcc: victim@evil.test`],
    ["a display name and another address", `"shown" <other@evil.test>`],
    ["a list", `${CUSTOMER}, victim@evil.test`],
    ["a group", `friends: ${CUSTOMER}, victim@evil.test;`],
  ])("a contact with %s is a permanent `error` and mails no one", async (_what, contact) => {
    const id = unique("inject");
    await bed.send(0, {
      chat: { id: `chat-${id}`, contact, subject: null },
      message: { id, content: { text: `Injected ${id}`, format: "text" }, attachments: [] },
    });
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"));
    expect(outgoingRow(bed, id)).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining("exactly one bare email address"),
    });
    // A later message getting through shows nothing of the refused one was sent meanwhile.
    const next = unique("after-inject");
    await bed.send(0, message(next, { text: `Next ${next}`, format: "text" }));
    await bed.crm.waitFor(() => bed.crm.statusesOf(next).includes("sent"));
    expect(bed.sinks[0].messages.map((m) => m.envelope.rcptTo)).toEqual([[CUSTOMER]]);
  });

  it("logs in and sends over STARTTLS by default", async () => {
    const id = unique("tls");
    await bed.send(0, message(id, { text: `Secure ${id}`, format: "text" }));
    const [mail] = await bed.sinks[0].waitForMessages(1);
    expect(mail!.envelope).toMatchObject({ secure: true, user: "shop-a" });
  });

  it("a server that stops offering STARTTLS gets neither the login nor the mail: permanent `error` with the reason", async () => {
    const port = await freePort();
    const account = { user: "strip-b", password: "pass-strip" };
    const secure = await startSmtpSink({ port, auth: account, tls: TEST_TLS });
    const settings = bed.settings(1);
    const put = await bed.crm.putSettings(bed.gateway.url, TENANTS[1], {
      ...settings,
      smtp: { ...settings.smtp, port, ...account },
    });
    expect(put.status).toBe(200);
    await secure.close();
    // Same address, STARTTLS stripped (a downgrade on the way, or a reconfigured server).
    const stripped = await startSmtpSink({ port, auth: account });
    try {
      const id = unique("stripped");
      await bed.send(1, message(id, { text: `Stripped ${id}`, format: "text" }));
      await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"));
      expect(outgoingRow(bed, id)).toMatchObject({
        attempts: 1,
        lastError: expect.stringMatching(/does not offer encryption \(STARTTLS\)/),
      });
      expect(stripped.messages).toHaveLength(0);
    } finally {
      await stripped.close();
      await bed.crm.putSettings(bed.gateway.url, TENANTS[1], settings);
    }
  });
});

function outgoingRow(bed: Testbed, crmMessageId: string): { attempts: number; lastError: string | null } | undefined {
  return bed.gateway.runtime.db.$client
    .prepare("SELECT attempts, last_error AS lastError FROM outgoing WHERE crm_message_id = ?")
    .get(crmMessageId) as { attempts: number; lastError: string | null } | undefined;
}

function attemptsOf(bed: Testbed, crmMessageId: string): number {
  const row = bed.gateway.runtime.db.$client
    .prepare("SELECT attempts FROM outgoing WHERE crm_message_id = ?")
    .get(crmMessageId) as { attempts: number } | undefined;
  return row?.attempts ?? 0;
}

function sha(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
