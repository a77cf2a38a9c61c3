/**
 * @module contact/contact — which Telegram chat a CRM contact names (outgoing), and the contact an
 * incoming chat is known by.
 */
import { InvalidInputError } from "@switchboard/core";

/** A Bot API `chat_id`: a numeric id or a public `@username`. */
export type ChatId = number | string;

const NUMERIC = /^-?\d{1,16}$/;
const USERNAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;

/**
 * Parses `tg://user?id=<id>`, `tg://chat?id=<id>`, a bare numeric chat id or `@channelusername`.
 * Anything else is an `InvalidInputError` (a permanent failure: retrying cannot fix the contact).
 */
export function parseContact(contact: string): ChatId {
  const value = contact.trim();
  if (NUMERIC.test(value)) return Number(value);
  if (USERNAME.test(value)) return value;
  const uri = /^tg:\/\/(user|chat)\?id=(-?\d{1,16})$/i.exec(value);
  if (uri?.[2]) {
    const id = Number(uri[2]);
    // A user id is always positive; a group id always negative.
    if (uri[1]?.toLowerCase() === "user" ? id > 0 : id !== 0) return id;
  }
  throw new InvalidInputError(
    `Telegram: contact "${contact.slice(0, 100)}" is not a Telegram chat: use tg://user?id=<id>, tg://chat?id=<id>, a numeric chat id or @channelusername`,
  );
}

/** The contact the CRM knows a chat by: `tg://user?id=` for private chats, `tg://chat?id=` for groups. */
export function contactOf(chat: { id: number; type: string }): string {
  return chat.type === "private" ? `tg://user?id=${chat.id}` : `tg://chat?id=${chat.id}`;
}
