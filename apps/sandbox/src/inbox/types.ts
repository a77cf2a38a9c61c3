/**
 * @module inbox/types — what the inbox (the CRM side of the sandbox) shows: conversations across
 * channels and their messages with delivery states.
 */
import type { Channel } from "../channels.js";

/** Where an outgoing message is: `queued` until the gateway reports a status. */
export type DeliveryState = "queued" | "sent" | "delivered" | "read" | "error";

/** A file of a message: a link the browser can open. */
export interface InboxAttachment {
  name: string;
  uri: string;
  /** `image`, `voice` or `file`, as in the protocol. */
  type: string;
}

/** One message of a conversation. */
export interface InboxMessage {
  /** The CRM message id (outgoing) or a local id (incoming). */
  id: string;
  direction: "in" | "out";
  text: string | null;
  /** `text`, `markdown` or `html`. */
  format: string;
  attachments: InboxAttachment[];
  at: number;
  /** Outgoing messages only. */
  status?: DeliveryState;
  /** Why an outgoing message failed, when the sandbox knows. */
  reason?: string;
}

/** A chat with one customer on one channel. */
export interface Conversation {
  /** Also the chat id the CRM sends with each message. */
  id: string;
  channel: Channel;
  contact: string;
  subject: string | null;
  /** The customer's name, when a customer page told the sandbox. */
  name: string | null;
  messages: InboxMessage[];
  unread: number;
  updatedAt: number;
}

/** A conversation as the chat list shows it. */
export interface ConversationSummary extends Omit<Conversation, "messages"> {
  last: (Pick<InboxMessage, "direction" | "text" | "format" | "status" | "at"> & { attachments: number }) | null;
}
