/**
 * @module inbound/mail-content — what of an incoming mail reaches the CRM as the message text: the
 * text part without quoted history, else the sanitised HTML part without it.
 */
import type { MessageContent } from "@switchboard/core";
import type { ParsedMail } from "mailparser";

/** The customer's words of `mail`; undefined when it has neither text nor visible HTML. */
export async function mailContent(
  mail: ParsedMail,
  inlineUrls: ReadonlyMap<string, string> = new Map(),
): Promise<MessageContent | undefined> {
  if (mail.text?.trim()) {
    // planer is loaded with the first mail that has text, keeping the idle gateway small.
    const { stripQuotedText } = await import("./strip-quoted-text.js");
    return { text: stripQuotedText(mail.text, { subject: mail.subject }), format: "text" };
  }
  if (!mail.html) return undefined;
  // sanitize-html is loaded only for the rare HTML-only mail, keeping the idle gateway small.
  const { sanitizeHtmlBody } = await import("./sanitize-html-body.js");
  const html = sanitizeHtmlBody(mail.html, inlineUrls, { subject: mail.subject });
  return html ? { text: html, format: "html" } : undefined;
}
