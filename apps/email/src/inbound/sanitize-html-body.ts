/**
 * @module inbound/sanitize-html-body — the HTML part of an incoming mail made safe for the CRM,
 * without the quoted history and with inline images pointing at their stored copies.
 */
import { convert } from "html-to-text";
import sanitizeHtml from "sanitize-html";
import { removeHtmlQuotedHistory } from "./html-quoted-history.js";

function sanitize(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "font", "center"],
    allowedAttributes: {
      a: ["href", "name", "title"],
      img: ["src", "alt", "title", "width", "height"],
      td: ["colspan", "rowspan", "align"],
      th: ["colspan", "rowspan", "align"],
      "*": ["dir", "lang"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["http", "https"] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer", target: "_blank" }) },
  }).trim();
}

// html-to-text and our quote detection walk the tree recursively: thousands of nested elements
// overflow the stack. Such a mail is kept whole rather than refused (a 451 is retried forever).
function isTooDeep(error: unknown): boolean {
  return error instanceof RangeError;
}

function hasVisibleContent(html: string): boolean {
  try {
    return convert(html, { wordwrap: false }).trim() !== "" || /<img\s/i.test(html);
  } catch (error) {
    if (isTooDeep(error)) return true;
    throw error;
  }
}

function withoutQuotedHistory(html: string, subject: string | undefined): string {
  try {
    return removeHtmlQuotedHistory(html, subject);
  } catch (error) {
    if (isTooDeep(error)) return html;
    throw error;
  }
}

/**
 * Sanitises an incoming HTML body. `cid:` links are replaced by `inlineUrls[cid]` first; the
 * quoted history is removed unless that leaves nothing.
 */
export function sanitizeHtmlBody(
  html: string,
  inlineUrls: ReadonlyMap<string, string> = new Map(),
  context: { subject?: string } = {},
): string {
  const withImages = html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, quote: string, cid: string) => {
    const url = inlineUrls.get(decodeURIComponent(cid));
    return url ? `${quote}${url}` : match;
  });
  const reply = sanitize(withoutQuotedHistory(withImages, context.subject));
  return hasVisibleContent(reply) ? reply : sanitize(withImages);
}
