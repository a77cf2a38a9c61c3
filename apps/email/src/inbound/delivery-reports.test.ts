import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dsnMessage } from "../test/dsn-message.js";
import { timesForwarded, waitIncoming } from "../test/inbound-helpers.js";
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

  it("a report about a message that is not ours is forwarded like any other mail", async () => {
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
    const rec = await waitIncoming(bed, reportId);
    expect(rec.body.chat.contact).toBe("mailer-daemon@mx.example.org");
  });
});
