import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dsnMessage } from "../test/dsn-message.js";
import { timesForwarded } from "../test/inbound-helpers.js";
import { INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

describe("delivery status notifications", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed.stop());

  /** Sends a CRM message and returns its CRM id and the Message-ID it went out with. */
  async function sendOne(contact: string): Promise<{ crmId: string; messageId: string }> {
    const crmId = unique("dsn-msg");
    const before = bed.sinks[0].messages.length;
    await bed.send(0, {
      chat: { id: `chat-${crmId}`, contact, subject: "Order" },
      message: { id: crmId, content: { text: crmId, format: "text" }, attachments: [] },
    });
    const messages = await bed.sinks[0].waitForMessages(before + 1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("sent"));
    return { crmId, messageId: messages[before]!.parsed.messageId!.slice(1, -1) };
  }

  function bounce(raw: string): Promise<unknown> {
    return bed.mailIn({ envelope: { from: "", to: [INBOUND[0]] }, raw });
  }

  it("a failure report for a sent message sets `error` and is not forwarded as a chat message", async () => {
    const { crmId, messageId } = await sendOne("nobody@example.org");
    const reportId = unique("report");
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "nobody@example.org",
        action: "failed",
        status: "5.1.1",
        diagnostic: "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown",
        envelopeId: messageId,
        originalMessageId: messageId,
        messageId: reportId,
      }),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(bed.crm.statusesOf(crmId)).toEqual(["sent", "error"]);
    expect(await timesForwarded(bed, reportId)).toBe(0);
    // The remote server's diagnostic is kept with the message as the reason.
    const part = bed.gateway.runtime.db.$client
      .prepare("SELECT reason FROM outgoing_parts WHERE gateway_message_id = ?")
      .get(messageId) as { reason: string | null } | undefined;
    expect(part?.reason).toBe("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown");
  });

  it("finds the message by its returned headers when the report has no envelope id", async () => {
    const { crmId, messageId } = await sendOne("gone@example.org");
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "gone@example.org",
        action: "failed",
        status: "5.2.1",
        originalMessageId: messageId,
        messageId: unique("r"),
      }),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
  });

  it("a success report gives `delivered`", async () => {
    const { crmId, messageId } = await sendOne("happy@example.org");
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "happy@example.org",
        action: "delivered",
        status: "2.0.0",
        envelopeId: messageId,
        messageId: unique("r"),
      }),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("delivered"));
    expect(bed.crm.statusesOf(crmId)).toEqual(["sent", "delivered"]);
  });

  it("a delay report changes nothing and is not forwarded", async () => {
    const { crmId, messageId } = await sendOne("slow@example.org");
    const reportId = unique("delay");
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "slow@example.org",
        action: "delayed",
        status: "4.4.7",
        envelopeId: messageId,
        messageId: reportId,
      }),
    );
    expect(await timesForwarded(bed, reportId)).toBe(0);
    // A later failure still counts: the delay did not end the message's story.
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "slow@example.org",
        action: "failed",
        status: "4.4.7",
        envelopeId: messageId,
        messageId: unique("r"),
      }),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(bed.crm.statusesOf(crmId)).toEqual(["sent", "error"]);
  });

  it("a report about a message that is not ours is dropped (logged), never a chat", async () => {
    const reportId = unique("foreign");
    await bounce(
      dsnMessage({
        to: INBOUND[0],
        recipient: "x@example.org",
        action: "failed",
        status: "5.1.1",
        envelopeId: "someone-else@elsewhere",
        messageId: reportId,
      }),
    );
    expect(await timesForwarded(bed, reportId)).toBe(0);
  });

  function reasonOf(messageId: string): string | null | undefined {
    const part = bed.gateway.runtime.db.$client
      .prepare("SELECT reason FROM outgoing_parts WHERE gateway_message_id = ?")
      .get(messageId) as { reason: string | null } | undefined;
    return part?.reason;
  }

  it("a plain-text qmail failure notice (no RFC 3464) sets `error` with the remote answer, never a chat", async () => {
    const { crmId, messageId } = await sendOne("nobody@example.net");
    const reportId = unique("qmail");
    await bounce(
      [
        "Return-Path: <>",
        "From: MAILER-DAEMON@mail.example.net",
        `To: ${INBOUND[0]}`,
        "Subject: failure notice",
        `Message-ID: <${reportId}@mail.example.net>`,
        "",
        "Hi. This is the qmail-send program at mail.example.net.",
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        "",
        "<nobody@example.net>:",
        "Sorry, no mailbox here by that name. (#5.1.1)",
        "",
        "--- Below this line is a copy of the message.",
        "",
        "Return-Path: <support@a.test>",
        "From: Shop A <shop@a.test>",
        "To: nobody@example.net",
        "Subject: Order",
        `Message-ID: <${messageId}>`,
        "",
        crmId,
        "",
      ].join("\r\n"),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(reasonOf(messageId)).toBe("<nobody@example.net>: Sorry, no mailbox here by that name. (#5.1.1)");
    expect(await timesForwarded(bed, reportId)).toBe(0);
  });

  it("accepts a bounce `From: MAILER-DAEMON <>` (no domain) instead of refusing it with 550", async () => {
    const { crmId, messageId } = await sendOne("full@example.net");
    await bounce(
      [
        "From: MAILER-DAEMON <>",
        `To: ${INBOUND[0]}`,
        "Subject: Undelivered Mail",
        "",
        "This message was created automatically by mail delivery software.",
        "",
        "A message that you sent could not be delivered to one or more of its",
        "recipients. This is a permanent error. The following address(es) failed:",
        "",
        "  full@example.net",
        "    host mx.example.net [192.0.2.25]",
        "    SMTP error from remote mail server after RCPT TO:<full@example.net>:",
        "    552 5.2.2 Mailbox full",
        "",
        "------ This is a copy of the message, including all the headers. ------",
        "",
        `Message-ID: <${messageId}>`,
        "",
      ].join("\r\n"),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(reasonOf(messageId)).toBe("552 5.2.2 Mailbox full");
  });

  it("reads `Multipart/Report` with the fields in one block and the returned message inline", async () => {
    const { crmId, messageId } = await sendOne("inline@example.net");
    await bounce(
      [
        "From: postmaster@example.net",
        `To: ${INBOUND[0]}`,
        "Subject: Delivery Status Notification (Failure)",
        "MIME-Version: 1.0",
        'Content-Type: Multipart/Report; Report-Type="Delivery-Status"; boundary="b1"',
        "",
        "--b1",
        "Content-Type: Text/Plain",
        "",
        "Your message could not be delivered.",
        "--b1",
        "Content-Type: Message/Delivery-Status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "Final-Recipient: rfc822; inline@example.net",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 No such user",
        "--b1",
        "Content-Type: message/rfc822",
        "Content-Disposition: inline",
        "",
        "From: Shop A <shop@a.test>",
        `Message-ID: <${messageId}>`,
        "Subject: Order",
        "",
        "body",
        "--b1--",
        "",
      ].join("\r\n"),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(reasonOf(messageId)).toBe("550 5.1.1 No such user");
  });

  it("a report tied to our message with no usable recipient still gives `error` with its text", async () => {
    const { crmId, messageId } = await sendOne("norcpt@example.net");
    await bounce(
      [
        "From: Mail Delivery System <MAILER-DAEMON@example.net>",
        `To: ${INBOUND[0]}`,
        "Subject: Undelivered Mail Returned to Sender",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b2"',
        "",
        "--b2",
        "Content-Type: text/plain",
        "",
        "<norcpt@example.net>: host mx.example.net[192.0.2.9] said: 554 5.7.1 Message",
        "    rejected as spam (in reply to end of DATA command)",
        "--b2",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        `Original-Envelope-Id: ${messageId}`,
        "--b2--",
        "",
      ].join("\r\n"),
    );
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("error"));
    expect(reasonOf(messageId)).toBe("554 5.7.1 Message rejected as spam (in reply to end of DATA command)");
  });

  it("an abuse or DMARC feedback report is accepted and never becomes a chat", async () => {
    const reportId = unique("arf");
    await bounce(
      [
        "From: staff@hotmail.example",
        `To: ${INBOUND[0]}`,
        "Subject: complaint about message from 192.0.2.1",
        `Message-ID: <${reportId}@hotmail.example>`,
        'Content-Type: multipart/report; report-type=feedback-report; boundary="b3"',
        "",
        "--b3",
        "Content-Type: text/plain",
        "",
        `This is an email abuse report ${reportId}.`,
        "--b3",
        "Content-Type: message/feedback-report",
        "",
        "Feedback-Type: abuse",
        "User-Agent: SomeGenerator/1.0",
        "Version: 1",
        "--b3--",
        "",
      ].join("\r\n"),
    );
    expect(await timesForwarded(bed, reportId)).toBe(0);
  });

  it("accepts `MAIL FROM:<>` on the wire and answers 250 to a bounce it cannot match", async () => {
    const replies = await rawSmtp(bed.inboundPort, [
      "EHLO mx.example.net",
      "MAIL FROM:<>",
      `RCPT TO:<${INBOUND[0]}>`,
      "DATA",
      [
        "From: MAILER-DAEMON <>",
        `To: ${INBOUND[0]}`,
        "Subject: failure notice",
        "",
        "Hi. This is the qmail-send program at mx.example.net.",
        "",
        "<gone@example.net>:",
        "Sorry, no mailbox here by that name. (#5.1.1)",
        ".",
      ].join("\r\n"),
      "QUIT",
    ]);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(["220", "250", "250", "250", "354", "250", "221"]);
  });
});

/** Talks SMTP line by line; returns the first line of each reply (greeting included). */
async function rawSmtp(port: number, commands: string[]): Promise<string[]> {
  const socket = createConnection({ host: "127.0.0.1", port });
  socket.setEncoding("utf8");
  const replies: string[] = [];
  let buffer = "";
  let wanted = 1;
  let notify: (() => void) | undefined;
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^\d{3} /.test(line)) replies.push(line); // the last line of a (multi-line) reply
    }
    if (replies.length >= wanted) notify?.();
  });
  const reply = (): Promise<void> =>
    replies.length >= wanted ? Promise.resolve() : new Promise<void>((resolve) => (notify = resolve));
  await reply();
  for (const command of commands) {
    wanted++;
    socket.write(`${command}\r\n`);
    await reply();
  }
  socket.end();
  return replies;
}
