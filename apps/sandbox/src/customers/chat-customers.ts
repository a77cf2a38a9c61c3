/**
 * @module customers/chat-customers — customers of a gateway that declares itself in its package:
 * they write text through its fake's webhook, read the company's messages as the fake took them,
 * and play the channel's delivery reports.
 */
import type { ChatStatus, StartedChatGateway } from "../gateways/chat-gateway.js";
import { watchArray } from "./watch-array.js";

/** One message of a contact's thread with the company. */
export interface ChatThreadEntry {
  id: string;
  from: "customer" | "company";
  text: string;
  attachments: Array<{ url: string; name: string }>;
  /** The company's messages: the last status the channel reported (null: none yet). */
  status: ChatStatus | null;
  at: number;
}

/** Thrown when the customer side cannot do what was asked; `status` is the HTTP status for the page. */
export class ChatCustomerError extends Error {
  constructor(
    readonly status: 404 | 502,
    message: string,
  ) {
    super(message);
    this.name = "ChatCustomerError";
  }
}

/** The customer side of one such gateway. */
export class ChatCustomers {
  private readonly threads = new Map<string, ChatThreadEntry[]>();
  private readonly byId = new Map<string, ChatThreadEntry>();
  private readonly failures = new Map<string, string>();
  private readonly stopWatching: () => void;
  private nextId = 0;

  constructor(
    private readonly channel: StartedChatGateway,
    private readonly onChange: (contact: string) => void,
  ) {
    this.stopWatching = watchArray(channel.sent, (message) => {
      const entry: ChatThreadEntry = {
        id: message.id,
        from: "company",
        text: message.text,
        attachments: message.attachments.map((a) => ({ url: a.url, name: a.name })),
        status: null,
        at: Date.now(),
      };
      this.byId.set(entry.id, entry);
      this.append(message.to, entry);
    });
  }

  /** The thread of one contact, oldest first. */
  thread(contact: string): ChatThreadEntry[] {
    return [...(this.threads.get(contact) ?? [])];
  }

  /** The customer writes; resolves once the gateway took the webhook. */
  async send(contact: string, name: string, text: string): Promise<ChatThreadEntry> {
    try {
      await this.channel.write({ from: contact, ...(name ? { name } : {}), text });
    } catch (error) {
      throw new ChatCustomerError(502, `The gateway refused the webhook: ${(error as Error).message}`);
    }
    const entry: ChatThreadEntry = {
      id: `customer-${++this.nextId}`,
      from: "customer",
      text,
      attachments: [],
      status: null,
      at: Date.now(),
    };
    this.append(contact, entry);
    return entry;
  }

  /** Plays the channel: the company's message was delivered, read or failed; the gateway hears it by webhook. */
  async report(messageId: string, status: ChatStatus): Promise<void> {
    const entry = this.byId.get(messageId);
    const contact = entry && [...this.threads].find(([, thread]) => thread.includes(entry))?.[0];
    if (!entry || contact === undefined)
      throw new ChatCustomerError(404, `No message ${messageId.slice(0, 40)} was sent by the company`);
    const reason = status === "failed" ? "The customer's app could not show the message" : undefined;
    try {
      await this.channel.report(messageId, status, reason);
    } catch (error) {
      throw new ChatCustomerError(502, `The gateway refused the status webhook: ${(error as Error).message}`);
    }
    if (reason) this.failures.set(contact, reason);
    entry.status = status;
    this.onChange(contact);
  }

  /** Why a message to this contact failed, when the customer page made it fail. */
  failureReason(contact: string): string | undefined {
    return this.failures.get(contact);
  }

  /** Stops watching the fake. */
  close(): void {
    this.stopWatching();
  }

  private append(contact: string, entry: ChatThreadEntry): void {
    const thread = this.threads.get(contact) ?? [];
    thread.push(entry);
    this.threads.set(contact, thread);
    this.onChange(contact);
  }
}
