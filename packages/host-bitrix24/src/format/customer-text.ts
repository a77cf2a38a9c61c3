/**
 * @module format/customer-text — what a customer wrote on the channel as BB-code text for
 * `imconnector.send.messages` (whose `message.text` takes BB-codes: b24restdocs
 * `imconnector-send-messages.md`). Plain text is escaped; markdown and HTML keep their bold,
 * italic, underline, strikethrough, links, quotes and code as the matching BB-codes, and every word.
 */
import type { MessageFormat } from "@switchboard/core";
import { escapeBbcode } from "./escape-bbcode.js";
import { htmlToBbcode } from "./html-to-bbcode.js";
import { markdownToBbcode } from "./markdown-to-bbcode.js";

/** Converts channel text in `format` to BB-code text; an unknown format is treated as plain text. */
export function customerTextToBbcode(text: string, format: MessageFormat | string): string {
  if (format === "html") return htmlToBbcode(text);
  if (format === "markdown") return markdownToBbcode(text);
  return escapeBbcode(text);
}
