/**
 * @module protocol/chat — the chat/message domain model of the CHAT protocol (§5.7), validated with zod.
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

// What a send may carry: PHP does not validate the format, so any string (or number, which PHP
// turns into one) gets through and the gateway sends an unknown one as plain text.
const sentContentSchema = z.object({
  text: z.string(),
  format: z.union([z.string(), z.number().transform(String)]),
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

/** The exact 405 texts of the PHP original (typo included: the CRM may match on them). */
export const SEND_ERRORS = {
  emptyText: "Message text should not be empty",
  noContent: "Message should contain content or attachmetns",
  unparsable: "Can not parse chat & message data",
} as const;

/**
 * Result of parsing a send body: the message (with the format the CRM gave when it was not one
 * the protocol names, and was replaced by `text`), or the protocol's 405 text explaining why not.
 */
export type ParseResult = { ok: true; value: ChatMessage; unknownFormat?: string } | { ok: false; error: string };

/** PHP's `if ($content)`: null, false, 0, "", "0" and an empty array or object mean no content. */
function isPhpFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "" || value === "0") {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

function isMessageFormat(format: string): format is MessageFormat {
  return (MESSAGE_FORMATS as readonly string[]).includes(format);
}

const bodySchema = z.object({ chat: chatSchema, message: messageSchema });

/** Parses the `body` claim of a send request exactly as `Chat::parseFromArray` does, with its 405 texts. */
export function parseChatMessage(body: unknown): ParseResult {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: SEND_ERRORS.unparsable };
  const { chat, message } = parsed.data;
  let content: MessageContent | null = null;
  let unknownFormat: string | undefined;
  if (!isPhpFalsy(message.content)) {
    const given = sentContentSchema.safeParse(message.content);
    if (!given.success) return { ok: false, error: SEND_ERRORS.unparsable };
    const text = given.data.text.trim();
    if (text === "") return { ok: false, error: SEND_ERRORS.emptyText };
    const format = given.data.format;
    if (!isMessageFormat(format)) unknownFormat = format;
    content = { text, format: isMessageFormat(format) ? format : "text" };
  }
  const attachments = message.attachments ?? [];
  if (!content && attachments.length === 0) return { ok: false, error: SEND_ERRORS.noContent };
  return {
    ok: true,
    value: {
      chat: { id: chat.id ?? null, contact: chat.contact, subject: chat.subject ?? null },
      message: { id: message.id ?? null, content, attachments },
    },
    ...(unknownFormat === undefined ? {} : { unknownFormat }),
  };
}

/** Rank of a status in its forward-only progression; error outranks everything and is final. */
export function statusRank(status: MessageStatus): number {
  return MESSAGE_STATUSES.indexOf(status) + 1;
}
