/**
 * @module inbound/parse-mail — a raw RFC 822 message parsed the way every inbound path needs it.
 */
import type { ParsedMail } from "mailparser";
import { installFlowedDecoder } from "./flowed-text.js";

/** Parses a raw RFC 822 message (cid links kept, delivery-status parts kept, no text/HTML conversion). */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  // Loaded on the first inbound mail: an idle gateway (most send-only tenants) never pays ~20 MB for it.
  const { simpleParser } = await import("mailparser");
  installFlowedDecoder();
  return simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    keepCidLinks: true,
    keepDeliveryStatus: true,
  });
}
