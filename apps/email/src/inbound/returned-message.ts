/**
 * @module inbound/returned-message — the Message-IDs of the message a bounce returns, wherever the
 * reporting MTA put it: an attached or inline `message/rfc822`, `text/rfc822-headers`, or plain
 * text below "This is a copy of the message" (qmail, Exim, Yahoo, mail.ru, OpenSMTPD…).
 */
import type { ParsedMail } from "mailparser";
import { parseMessageIds } from "../threading/message-id.js";

// A `Message-ID:` header line, also when the MTA quoted or indented the returned headers.
const MESSAGE_ID_LINE = /^[ \t>|]*Message-ID[ \t]*:[ \t]*(?:\r?\n[ \t]+)?<([^<>\s]+)>/gim;

/** Message-IDs found in the returned message's headers, in order, without the bounce's own. */
export function returnedMessageIds(raw: Buffer, mail: ParsedMail): string[] {
  const own = new Set(parseMessageIds(mail.messageId));
  const texts = [raw.toString("latin1"), mail.text ?? ""];
  for (const attachment of mail.attachments)
    if (/^(message|text)\//i.test(attachment.contentType)) texts.push(attachment.content.toString("utf8"));
  const ids: string[] = [];
  for (const text of texts)
    for (const match of text.matchAll(MESSAGE_ID_LINE)) {
      const id = match[1];
      if (id && !own.has(id)) ids.push(id);
    }
  return [...new Set(ids)];
}
