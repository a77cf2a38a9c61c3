/**
 * @module webhook/to-incoming — a Telegram update as the message the CRM receives: text and
 * captions as text, media as signed links, locations and contacts as readable text.
 */
import type { Attachment, IncomingMessage } from "@switchboard/core";
import type { Message, Update } from "grammy/types";
import { contactOf } from "../contact/contact.js";
import { describeSharedItems, mediaOf, DOWNLOAD_LIMIT_BYTES, type MediaFile } from "./media.js";

/** How to treat an update: which chats are accepted and how file links are made. */
export interface IncomingOptions {
  allowGroups: boolean;
  /** A signed link the CRM can download the file from. */
  link(file: MediaFile): string;
}

/** The message to forward for an update, or undefined when there is nothing to forward. */
export function toIncoming(update: Update, options: IncomingOptions): IncomingMessage | undefined {
  const message: Message | undefined = update.message ?? update.edited_message;
  if (!message) return undefined;
  const chat = message.chat;
  const group = chat.type === "group" || chat.type === "supergroup";
  if (chat.type !== "private" && !(group && options.allowGroups)) return undefined;

  const lines: string[] = [];
  const body = message.text ?? message.caption;
  if (body) lines.push(body);
  lines.push(...describeSharedItems(message));
  const attachments: Attachment[] = [];
  for (const file of mediaOf(message)) {
    if (file.size !== undefined && file.size > DOWNLOAD_LIMIT_BYTES) {
      lines.push(
        `[${file.name}: ${(file.size / 1024 / 1024).toFixed(1)} MB — Telegram does not let bots download files over 20 MB]`,
      );
    } else {
      attachments.push({ name: file.name, uri: options.link(file), type: file.type });
    }
  }
  if (lines.length === 0 && attachments.length === 0) return undefined;

  let text = lines.join("\n");
  if (group && text !== "") text = `${senderName(message)}: ${text}`;
  if (update.edited_message) text = `✏️ (edited) ${text}`.trimEnd();
  // The conversation's name: the person in a private chat, the group's title in a group.
  const name = (
    group ? ("title" in chat ? chat.title : "") : [chat.first_name, chat.last_name].filter(Boolean).join(" ")
  ).trim();
  return {
    chat: { contact: contactOf(chat) },
    message: { content: text === "" ? null : { text, format: "text" }, attachments },
    ...(name ? { customer: { name } } : {}),
  };
}

function senderName(message: Message): string {
  const from = message.from;
  if (!from)
    return (message.sender_chat && "title" in message.sender_chat ? message.sender_chat.title : undefined) ?? "Someone";
  const name = [from.first_name, from.last_name].filter(Boolean).join(" ");
  return from.username ? `${name} (@${from.username})` : name;
}
