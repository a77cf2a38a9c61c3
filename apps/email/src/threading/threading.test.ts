import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitIncoming } from "../test/inbound-helpers.js";
import { INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";
import { parseMessageIds } from "./message-id.js";

describe("threading across a conversation", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed.stop());

  /** Sends as the CRM and returns the mail as the customer's server received it. */
  async function crmSends(
    contact: string,
    chatId: string,
    text: string,
    subject: string | null = null,
  ): Promise<ParsedMail> {
    const before = bed.sinks[0].messages.length;
    const id = unique("crm");
    await bed.send(0, {
      chat: { id: chatId, contact, subject },
      message: { id, content: { text, format: "text" }, attachments: [] },
    });
    const messages = await bed.sinks[0].waitForMessages(before + 1);
    return messages[before]!.parsed;
  }

  /** The customer's mail program answers; returns the chat the CRM put the answer in. */
  async function customerSends(
    contact: string,
    text: string,
    headers: { subject: string; messageId: string; inReplyTo?: string; references?: string[] },
  ) {
    await bed.mailIn({ from: contact, to: INBOUND[0], text, ...headers });
    return (await waitIncoming(bed, text)).body.chat;
  }

  const ids = (value: string | string[] | undefined): string[] => parseMessageIds(value);

  it("a conversation the CRM starts stays one thread over three messages each way", async () => {
    const contact = `${unique("anna")}@example.org`;
    const chatId = unique("chat");
    const m1 = await crmSends(contact, chatId, "Your order shipped", "Order 42");
    expect(m1.inReplyTo).toBeUndefined();
    expect(m1.subject).toBe("Order 42");

    const c1 = `<${unique("c1")}@mail.example.org>`;
    const chat1 = await customerSends(contact, unique("thanks"), {
      subject: "Re: Order 42",
      messageId: c1,
      inReplyTo: m1.messageId,
      references: [m1.messageId!],
    });
    expect(chat1).toEqual({ id: chatId, contact, subject: "Order 42" });

    const m2 = await crmSends(contact, chatId, "You are welcome");
    expect(m2.inReplyTo).toBe(c1);
    expect(ids(m2.references)).toEqual(ids([m1.messageId!, c1]));
    expect(m2.subject).toBe("Re: Order 42");

    const c2 = `<${unique("c2")}@mail.example.org>`;
    const chat2 = await customerSends(contact, unique("one-more"), {
      subject: "Re: Order 42",
      messageId: c2,
      inReplyTo: m2.messageId,
      references: [m1.messageId!, c1, m2.messageId!],
    });
    expect(chat2.id).toBe(chatId);

    const m3 = await crmSends(contact, chatId, "Sure");
    expect(m3.inReplyTo).toBe(c2);
    expect(ids(m3.references)).toEqual(ids([m1.messageId!, c1, m2.messageId!, c2]));

    const c3 = `<${unique("c3")}@mail.example.org>`;
    // Some mail programs send only In-Reply-To; that is enough.
    const chat3 = await customerSends(contact, unique("bye"), {
      subject: "Re: Order 42",
      messageId: c3,
      inReplyTo: m3.messageId,
    });
    expect(chat3.id).toBe(chatId);
    expect(new Set([m1.messageId, m2.messageId, m3.messageId]).size).toBe(3);
  });

  it("a conversation the customer starts is answered in their thread and kept in the CRM's chat", async () => {
    const contact = `${unique("boris")}@example.org`;
    const c1 = `<${unique("c1")}@mail.example.org>`;
    const chat1 = await customerSends(contact, unique("question"), { subject: "Do you ship to Riga?", messageId: c1 });
    expect(chat1).toEqual({ id: null, contact, subject: "Do you ship to Riga?" });

    const chatId = unique("chat");
    const m1 = await crmSends(contact, chatId, "Yes we do");
    expect(m1.inReplyTo).toBe(c1);
    expect(ids(m1.references)).toEqual(ids([c1]));
    expect(m1.subject).toBe("Re: Do you ship to Riga?");

    const c2 = `<${unique("c2")}@mail.example.org>`;
    const chat2 = await customerSends(contact, unique("great"), {
      subject: "Re: Do you ship to Riga?",
      messageId: c2,
      inReplyTo: m1.messageId,
      references: [c1, m1.messageId!],
    });
    expect(chat2.id).toBe(chatId);

    const m2 = await crmSends(contact, chatId, "Anything else?");
    expect(m2.inReplyTo).toBe(c2);
    expect(ids(m2.references)).toEqual(ids([c1, m1.messageId!, c2]));

    // A follow-up to the customer's own first mail lands in the chat the CRM answered in.
    const c3 = `<${unique("c3")}@mail.example.org>`;
    const chat3 = await customerSends(contact, unique("forgot"), {
      subject: "Re: Do you ship to Riga?",
      messageId: c3,
      inReplyTo: c1,
      references: [c1],
    });
    expect(chat3.id).toBe(chatId);
  });

  it("a new mail from the customer is what the next answer in their chat replies to", async () => {
    const contact = `${unique("fay")}@example.org`;
    const chatId = unique("chat");
    await crmSends(contact, chatId, "Welcome", "Welcome");
    const fresh = `<${unique("new")}@mail.example.org>`;
    const chat = await customerSends(contact, unique("new-topic"), { subject: "Refund", messageId: fresh });
    expect(chat.id).toBeNull();
    const answer = await crmSends(contact, chatId, "Refund approved");
    expect(answer.inReplyTo).toBe(fresh);
    expect(answer.subject).toBe("Re: Refund");
  });

  it("replies are scoped by contact: someone else answering our mail starts their own conversation", async () => {
    const contact = `${unique("carl")}@example.org`;
    const chatId = unique("chat");
    const m1 = await crmSends(contact, chatId, "Newsletter");
    const other = `${unique("dora")}@example.org`;
    const chat = await customerSends(other, unique("forwarded-to-me"), {
      subject: "Re: x",
      messageId: `<${unique("o")}@x>`,
      inReplyTo: m1.messageId,
      references: [m1.messageId!],
    });
    expect(chat).toMatchObject({ id: null, contact: other });
  });

  it("a new chat with a contact whose mail was all answered starts a new thread", async () => {
    const contact = `${unique("emil")}@example.org`;
    await crmSends(contact, unique("chat"), "First conversation");
    const m = await crmSends(contact, unique("chat"), "Another topic", "New topic");
    expect(m.inReplyTo).toBeUndefined();
    expect(m.references).toBeUndefined();
    expect(m.subject).toBe("New topic");
  });
});
