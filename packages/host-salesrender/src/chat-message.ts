/**
 * @module chat-message — the `body` claim of `POST /special/send` (§5.7), parsed exactly as the PHP
 * framework's `Chat::parseFromArray` does, into core's ChatMessage.
 */
import { MESSAGE_FORMATS, type ChatMessage, type MessageContent, type MessageFormat } from "@switchboard/core";
import { chatSchema, messageSchema } from "@switchboard/core/internal";
import { z } from "zod";

// What a send may carry: PHP does not validate the format, so any string (or number, which PHP
// turns into one) gets through and the gateway sends an unknown one as plain text.
const sentContentSchema = z.object({
  text: z.string(),
  format: z.union([z.string(), z.number().transform(String)]),
});

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
