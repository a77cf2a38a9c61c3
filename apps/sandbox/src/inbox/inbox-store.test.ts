import { describe, expect, it } from "vitest";
import { InboxStore, UnknownConversationError } from "./inbox-store.js";

const text = (t: string) => ({ text: t, format: "text" });

describe("InboxStore", () => {
  it("keeps one conversation per channel and contact, most recent first, counting unread messages", () => {
    const store = new InboxStore(new Map([["email", { caseInsensitiveContacts: true, threadsBySubject: true }]]));
    const first = store.receive("telegram", {
      chat: { contact: "tg://user?id=1" },
      content: text("hi"),
      attachments: [],
    });
    store.receive("sms", { chat: { contact: "+14155550123" }, content: text("yo"), attachments: [] });
    const again = store.receive("telegram", {
      chat: { contact: "tg://user?id=1" },
      content: text("still there?"),
      attachments: [],
    });
    expect(again.conversation.id).toBe(first.conversation.id);
    expect(store.list().map((c) => [c.channel, c.unread, c.last?.text])).toEqual([
      ["telegram", 2, "still there?"],
      ["sms", 1, "yo"],
    ]);
    store.markRead(first.conversation.id);
    expect(store.get(first.conversation.id)?.unread).toBe(0);
  });

  it("opens a new email conversation for a new subject, and follows the chat id the gateway sends", () => {
    const store = new InboxStore(new Map([["email", { caseInsensitiveContacts: true, threadsBySubject: true }]]));
    const a = store.receive("email", {
      chat: { contact: "Ann@Example.org", subject: "Order 1" },
      content: text("a"),
      attachments: [],
    });
    const b = store.receive("email", {
      chat: { contact: "ann@example.org", subject: "Order 2" },
      content: text("b"),
      attachments: [],
    });
    const c = store.receive("email", {
      chat: { id: a.conversation.id, contact: "ann@example.org", subject: "Other" },
      content: text("c"),
      attachments: [],
    });
    expect(a.conversation.contact).toBe("ann@example.org");
    expect(b.conversation.id).not.toBe(a.conversation.id);
    expect(c.conversation.id).toBe(a.conversation.id);
  });

  it("moves delivery states forward only, keeps error final with its reason, and notes retries", () => {
    const store = new InboxStore(new Map([["email", { caseInsensitiveContacts: true, threadsBySubject: true }]]));
    const { conversation } = store.receive("sms", {
      chat: { contact: "+14155550123" },
      content: text("hi"),
      attachments: [],
    });
    const m = store.startOutgoing(conversation.id, { text: "answer", format: "text", attachments: [] });
    expect(m.status).toBe("queued");
    store.annotate(m.id, "Retrying: 429");
    expect(store.get(conversation.id)?.messages.at(-1)?.reason).toBe("Retrying: 429");
    expect(store.applyStatus(m.id, "delivered")).toBe(true);
    expect(store.applyStatus(m.id, "sent")).toBe(false);
    const after = store.get(conversation.id)?.messages.at(-1);
    expect([after?.status, after?.reason]).toEqual(["delivered", undefined]);

    const n = store.startOutgoing(conversation.id, { text: "again", format: "text", attachments: [] });
    expect(store.applyStatus(n.id, "error", "Unreachable handset")).toBe(true);
    expect(store.applyStatus(n.id, "delivered")).toBe(false);
    expect(store.get(conversation.id)?.messages.at(-1)).toMatchObject({
      status: "error",
      reason: "Unreachable handset",
    });
  });

  it("tells listeners which conversation changed, and refuses unknown conversations", () => {
    const store = new InboxStore(new Map([["email", { caseInsensitiveContacts: true, threadsBySubject: true }]]));
    const changes: string[] = [];
    store.onChange((id) => changes.push(id));
    const { conversation } = store.receive("telegram", {
      chat: { contact: "tg://user?id=9" },
      content: null,
      attachments: [],
    });
    store.rememberName("telegram", "tg://user?id=9", "Ann Lee");
    expect(store.get(conversation.id)?.name).toBe("Ann Lee");
    expect(changes).toEqual([conversation.id, conversation.id]);
    expect(() => store.startOutgoing("nope", { text: "x", format: "text", attachments: [] })).toThrow(
      UnknownConversationError,
    );
  });
});
