/**
 * @module inbound/sanitize-html-body — the HTML part of an incoming mail made safe for the CRM,
 * without the quoted history and with inline images pointing at their stored copies.
 */
import { convert } from "html-to-text";
import sanitizeHtml from "sanitize-html";

// Containers mail programs put the quoted history in.
const QUOTE_CLASSES = ["gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote"];
// Outlook puts the history after a marker element rather than inside one: cut from the marker on.
const OUTLOOK_MARKERS = [
  /<div[^>]+id=["']?appendonsend/i,
  /<div[^>]+id=["']?divRplyFwdMsg/i,
  /<hr[^>]+id=["']?stopSpelling/i,
];

function isQuoteContainer(frame: sanitizeHtml.IFrame): boolean {
  if (frame.tag === "blockquote" && frame.attribs.type?.toLowerCase() === "cite") return true;
  const classes = (frame.attribs.class ?? "").split(/\s+/);
  return classes.some((c) => QUOTE_CLASSES.includes(c));
}

/** First pass: everything kept as it is except the quote containers (their class survives here). */
function dropQuoteContainers(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    exclusiveFilter: isQuoteContainer,
  });
}

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

function hasVisibleContent(html: string): boolean {
  return convert(html, { wordwrap: false }).trim() !== "" || /<img\s/i.test(html);
}

/**
 * Sanitises an incoming HTML body. `cid:` links are replaced by `inlineUrls[cid]` first; the
 * quoted history is removed unless that leaves nothing.
 */
export function sanitizeHtmlBody(html: string, inlineUrls: ReadonlyMap<string, string> = new Map()): string {
  const withImages = html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, quote: string, cid: string) => {
    const url = inlineUrls.get(decodeURIComponent(cid));
    return url ? `${quote}${url}` : match;
  });
  const marker = OUTLOOK_MARKERS.map((re) => re.exec(withImages)?.index).find((i) => i !== undefined && i > 0);
  const reply = sanitize(dropQuoteContainers(marker === undefined ? withImages : withImages.slice(0, marker)));
  return hasVisibleContent(reply) ? reply : sanitize(withImages);
}
