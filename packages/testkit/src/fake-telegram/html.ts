/**
 * @module fake-telegram/html — parses `parse_mode: "HTML"` text the way the Bot API does, strictly,
 * so a gateway that forgets to escape `<` or `&`, or leaves a tag open, fails its tests.
 */

/** Tags the Bot API accepts in HTML mode (`span` only with `class="tg-spoiler"`). */
const ALLOWED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** A `text_link` entity: the visible text and the URL Telegram made of the href. */
export interface ParsedLink {
  text: string;
  url: string;
}

/** Result of parsing: the visible text and its links, or the Bot API's 400 description. */
export type ParsedText = { ok: true; text: string; links: ParsedLink[] } | { ok: false; description: string };

/**
 * The URL a `text_link` gets: Telegram keeps http(s), tg and ton links and reads anything else as
 * a host name, so `mailto:a@b.c` turns into the broken link `http://mailto:a@b.c/`.
 */
export function telegramLinkUrl(href: string): string {
  if (/^(https?|tg|ton):/i.test(href)) return href;
  return `http://${href}${href.includes("/") ? "" : "/"}`;
}

/** Visible text of a message given its parse mode; HTML is validated like Telegram does. */
export function parseMessageText(text: string, parseMode: unknown): ParsedText {
  if (parseMode == null || parseMode === "") return { ok: true, text, links: [] };
  if (parseMode === "HTML") return parseTelegramHtml(text);
  return { ok: false, description: `Bad Request: unsupported parse_mode ${String(parseMode)}` };
}

/** Parses Telegram HTML: known tags only, properly nested and closed; `<` and `&` only as markup. */
export function parseTelegramHtml(html: string): ParsedText {
  const open: string[] = [];
  const openLinks: Array<{ href: string; start: number }> = [];
  const links: ParsedLink[] = [];
  let text = "";
  let i = 0;
  const fail = (what: string): ParsedText => ({
    ok: false,
    description: `Bad Request: can't parse entities: ${what} at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
  });
  while (i < html.length) {
    const ch = html[i];
    if (ch === "&") {
      const match = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(html.slice(i));
      const decoded = match ? decodeEntity(match[1] ?? "") : undefined;
      if (!match || decoded === undefined) return fail("Character '&' is reserved and must be escaped as &amp;");
      text += decoded;
      i += match[0].length;
    } else if (ch === "<") {
      const tag =
        /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/.exec(
          html.slice(i),
        );
      if (!tag) return fail("Unsupported start tag or unescaped '<'");
      const [whole, slash, rawName = "", attrs = ""] = tag;
      const name = rawName.toLowerCase();
      if (slash) {
        const expected = open.pop();
        if (expected !== name) {
          return fail(
            expected === undefined
              ? `Unexpected end tag "${name}"`
              : `Unmatched end tag, expected "</${expected}>", found "</${name}>"`,
          );
        }
        const link = name === "a" ? openLinks.pop() : undefined;
        if (link) links.push({ text: text.slice(link.start), url: telegramLinkUrl(link.href) });
      } else {
        if (!ALLOWED_TAGS.has(name)) return fail(`Unsupported start tag "${name}"`);
        if (name === "span" && !/class\s*=\s*["']?tg-spoiler/.test(attrs))
          return fail(`Tag "span" must have class "tg-spoiler"`);
        if (name === "a" && !/href\s*=/.test(attrs)) return fail(`Tag "a" must have attribute "href"`);
        // Telegram silently drops entities nested in code; a gateway that emits them has a bug.
        const inside = open.at(-1);
        if (inside === "code" || (inside === "pre" && name !== "code")) {
          return fail(`Entity "${name}" can't be nested in "${inside}"`);
        }
        open.push(name);
        if (name === "a") openLinks.push({ href: hrefOf(attrs), start: text.length });
      }
      i += whole.length;
    } else {
      text += ch;
      i += 1;
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return { ok: true, text, links };
}

/** The `href` attribute's value, entities decoded. */
function hrefOf(attrs: string): string {
  const match = /href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/i.exec(attrs);
  const raw = match?.[1] ?? match?.[2] ?? match?.[3] ?? "";
  return raw.replace(
    /&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/g,
    (whole, body: string) => decodeEntity(body) ?? whole,
  );
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith("#x")) return fromCodePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith("#")) return fromCodePoint(Number.parseInt(body.slice(1), 10));
  return NAMED_ENTITIES[body];
}

function fromCodePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Length as the limits count it: UTF-16 code units of the visible text, trimmed like Telegram does. */
export function visibleLength(text: string): number {
  return text.trim().length;
}
