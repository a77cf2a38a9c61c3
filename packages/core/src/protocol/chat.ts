/**
 * @module protocol/chat — the chat/message model gateways send and receive (the CHAT protocol's,
 * §5.7), validated with zod; each host parses its own wire into it.
 */
import { z } from "zod";

/** Message formats a CRM can send and a gateway can declare. */
export const MESSAGE_FORMATS = ["text", "markdown", "html"] as const;
/** Attachment kinds of the protocol's `type` enum. */
export const ATTACHMENT_TYPES = ["file", "image", "voice"] as const;
/** Statuses a plugin reports to the CRM, in the order they progress (error is final). */
export const MESSAGE_STATUSES = ["sent", "delivered", "read", "error"] as const;

export type MessageFormat = (typeof MESSAGE_FORMATS)[number];
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const id = z.union([z.string(), z.number()]).transform(String);

export const attachmentSchema = z.object({
  name: z.string(),
  uri: z.string().min(1),
  type: z.enum(ATTACHMENT_TYPES),
});

export const contentSchema = z.object({
  text: z.string(),
  format: z.enum(MESSAGE_FORMATS),
});

export const chatSchema = z.object({
  id: id.nullish(),
  contact: z.string().min(1),
  subject: z.string().nullish(),
});

export const messageSchema = z.object({
  id: id.nullish(),
  content: z.unknown().optional(),
  attachments: z.array(attachmentSchema).nullish(),
});

/** One attachment: a name, a URI to download it from, and its kind. */
export type Attachment = z.infer<typeof attachmentSchema>;
/** The text of a message and how it is formatted. */
export type MessageContent = z.infer<typeof contentSchema>;

/** A conversation as the CRM knows it: its id (may be absent), the customer's contact, a subject. */
export interface Chat {
  id: string | null;
  contact: string;
  subject: string | null;
}

/** A message: CRM id (outgoing only), content and attachments; at least one of the two. */
export interface Message {
  id: string | null;
  content: MessageContent | null;
  attachments: Attachment[];
}

/** The body of `POST /special/send` and of incoming messages. */
export interface ChatMessage {
  chat: Chat;
  message: Message;
}

/** Rank of a status in its forward-only progression; error outranks everything and is final. */
export function statusRank(status: MessageStatus): number {
  return MESSAGE_STATUSES.indexOf(status) + 1;
}
