/**
 * @module inbox/inbox-store — conversations and messages of the simulated CRM, in memory, with a
 * change notification for live updates. One conversation per channel and contact (per
 * contact and subject where the channel's rules say a new subject is a new thread: email).
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Channel } from "../channels.js";
import type { Conversation, ConversationSummary, DeliveryState, InboxAttachment, InboxMessage } from "./types.js";

const RANK: Record<DeliveryState, number> = { queued: 0, sent: 1, delivered: 2, read: 3, error: 4 };

/** What arrived from a customer, as the CRM's `incoming` call carries it. */
export interface Arrival {
  chat: { id?: string | null; contact: string; subject?: string | null };
  content: { text: string; format: string } | null;
  attachments: InboxAttachment[];
}

/** What the inbox sends: text (may be empty when there are files) and attachments. */
export interface Draft {
  text: string;
  format: string;
  attachments: InboxAttachment[];
}

/** How a channel's conversations are told apart (a gateway's declaration says it). */
export interface ConversationRules {
  /** Contacts compare case-insensitively (email addresses). */
  caseInsensitiveContacts?: boolean;
  /** A new subject opens a conversation of its own with the same contact (mail threads). */
  threadsBySubject?: boolean;
}

/** The inbox's state. Every mutation emits `change` with the conversation id. */
export class InboxStore {
  /** `rules`: by channel; a channel without rules compares contacts exactly and has one conversation per contact. */
  constructor(private readonly rules: ReadonlyMap<string, ConversationRules> = new Map()) {}

  private readonly conversations = new Map<string, Conversation>();
  private readonly messageHome = new Map<string, Conversation>();
  private readonly names = new Map<string, string>();
  private readonly emitter = new EventEmitter();

  /** A contact as conversations are keyed: trimmed, lower-cased where the channel's rules say so. */
  private normalise(channel: Channel, contact: string): string {
    const trimmed = contact.trim();
    return this.rules.get(channel)?.caseInsensitiveContacts ? trimmed.toLowerCase() : trimmed;
  }

  /** Whether the channel's conversations are threads by subject. */
  threadsBySubject(channel: Channel): boolean {
    return this.rules.get(channel)?.threadsBySubject === true;
  }

  /** Calls `listener` after each change; returns an unsubscribe function. */
  onChange(listener: (conversationId: string) => void): () => void {
    this.emitter.on("change", listener);
    return () => this.emitter.off("change", listener);
  }

  /** Every conversation, most recent first. */
  list(): ConversationSummary[] {
    return [...this.conversations.values()].sort((a, b) => b.updatedAt - a.updatedAt).map(summarise);
  }

  /** One conversation with its messages. */
  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** The conversation with a contact on a channel, created when there is none. */
  conversationWith(channel: Channel, contact: string, subject: string | null = null): Conversation {
    const key = this.normalise(channel, contact);
    const existing = [...this.conversations.values()].find(
      (c) =>
        c.channel === channel &&
        c.contact === key &&
        (!this.rules.get(channel)?.threadsBySubject || subject === null || c.subject === subject),
    );
    if (existing) return existing;
    const conversation: Conversation = {
      id: `chat-${randomUUID().slice(0, 8)}`,
      channel,
      contact: key,
      subject,
      name: this.names.get(`${channel}:${key}`) ?? null,
      messages: [],
      unread: 0,
      updatedAt: Date.now(),
    };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  /** Adds a customer's message; the chat id the gateway sent wins over matching by contact. */
  receive(channel: Channel, arrival: Arrival): { conversation: Conversation; message: InboxMessage } {
    const byId = arrival.chat.id ? this.conversations.get(arrival.chat.id) : undefined;
    const conversation =
      byId?.channel === channel
        ? byId
        : this.conversationWith(channel, arrival.chat.contact, arrival.chat.subject ?? null);
    const message: InboxMessage = {
      id: `in-${randomUUID().slice(0, 8)}`,
      direction: "in",
      text: arrival.content?.text ?? null,
      format: arrival.content?.format ?? "text",
      attachments: arrival.attachments,
      at: Date.now(),
    };
    conversation.subject ??= arrival.chat.subject ?? null;
    conversation.unread += 1;
    this.append(conversation, message);
    return { conversation, message };
  }

  /** Adds an outgoing message in state `queued`; its id is the CRM message id sent to the gateway. */
  startOutgoing(conversationId: string, draft: Draft): InboxMessage {
    const conversation = this.require(conversationId);
    const message: InboxMessage = {
      id: `m-${randomUUID()}`,
      direction: "out",
      text: draft.text === "" ? null : draft.text,
      format: draft.format,
      attachments: draft.attachments,
      at: Date.now(),
      status: "queued",
    };
    conversation.unread = 0;
    this.append(conversation, message);
    return message;
  }

  /** Moves an outgoing message forward (never back; `error` is final); false when nothing changed. */
  applyStatus(messageId: string, status: DeliveryState, reason?: string): boolean {
    const message = this.outgoing(messageId);
    if (!message?.status) return false;
    if (message.status === "error" || RANK[status] <= RANK[message.status]) return false;
    message.status = status;
    if (status === "error") message.reason = reason ?? message.reason;
    else delete message.reason;
    this.changed(messageId);
    return true;
  }

  /** Notes why a message is still queued (a retry) or why it failed; delivered messages need none. */
  annotate(messageId: string, reason: string): void {
    const message = this.outgoing(messageId);
    if (!message || (message.status !== "queued" && message.status !== "error") || message.reason === reason) return;
    message.reason = reason;
    this.changed(messageId);
  }

  /** The conversation an outgoing message belongs to. */
  conversationOf(messageId: string): Conversation | undefined {
    return this.messageHome.get(messageId);
  }

  /** Clears the unread count (the manager opened the chat). */
  markRead(conversationId: string): void {
    const conversation = this.require(conversationId);
    if (conversation.unread === 0) return;
    conversation.unread = 0;
    this.emitter.emit("change", conversation.id);
  }

  /** Remembers a customer's display name for a contact (told by the customer pages). */
  rememberName(channel: Channel, contact: string, name: string): void {
    const key = this.normalise(channel, contact);
    const clean = name.trim().slice(0, 80);
    if (!clean || this.names.get(`${channel}:${key}`) === clean) return;
    this.names.set(`${channel}:${key}`, clean);
    for (const conversation of this.conversations.values()) {
      if (conversation.channel !== channel || conversation.contact !== key) continue;
      conversation.name = clean;
      this.emitter.emit("change", conversation.id);
    }
  }

  private outgoing(messageId: string): InboxMessage | undefined {
    return this.messageHome.get(messageId)?.messages.find((m) => m.id === messageId);
  }

  private changed(messageId: string): void {
    const conversation = this.messageHome.get(messageId);
    if (conversation) this.emitter.emit("change", conversation.id);
  }

  private append(conversation: Conversation, message: InboxMessage): void {
    conversation.messages.push(message);
    conversation.updatedAt = message.at;
    if (message.direction === "out") this.messageHome.set(message.id, conversation);
    this.emitter.emit("change", conversation.id);
  }

  private require(id: string): Conversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new UnknownConversationError(id);
    return conversation;
  }
}

/** Thrown for a conversation id the inbox does not know. */
export class UnknownConversationError extends Error {
  constructor(id: string) {
    super(`No conversation ${id.slice(0, 60)}`);
    this.name = "UnknownConversationError";
  }
}

function summarise(conversation: Conversation): ConversationSummary {
  const { messages, ...rest } = conversation;
  const last = messages.at(-1);
  return {
    ...rest,
    last: last
      ? {
          direction: last.direction,
          text: last.text,
          format: last.format,
          status: last.status,
          at: last.at,
          attachments: last.attachments.length,
        }
      : null,
  };
}
