/**
 * @module format/html-to-segments — reduces any HTML to what Telegram can show: its entity tags
 * (b, i, u, s, a, code, pre, blockquote, tg-spoiler) where Telegram allows them, everything else
 * as text with the line breaks a reader expects (paragraphs, list items, headings, table rows).
 */
import { Parser } from "htmlparser2";
import type { Segment, Tag } from "./segments.js";
import { trimSegments } from "./segments.js";

const INLINE: Record<string, Tag["name"]> = {
  b: "b",
  strong: "b",
  i: "i",
  em: "i",
  u: "u",
  ins: "u",
  s: "s",
  strike: "s",
  del: "s",
  "tg-spoiler": "tg-spoiler",
};
/** Elements whose content is never shown. */
const HIDDEN = new Set(["script", "style", "head", "title", "template", "noscript", "iframe", "object"]);
const PARAGRAPHS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote", "hr"]);
const LINES = new Set([
  "div",
  "li",
  "tr",
  "dt",
  "dd",
  "section",
  "article",
  "header",
  "footer",
  "figure",
  "figcaption",
  "address",
]);
/** Schemes Telegram keeps in a link; it reads any other href as a host (`http://mailto:a@b.c/`). */
const LINK_SCHEMES = /^(https?:|tg:)/i;

interface Open {
  name: string;
  tag: Tag | undefined;
  /** For a mailto:/tel: link: the address, written out after the link text unless it is in it. */
  address?: { value: string; start: number };
}

/**
 * The address of a `mailto:` or `tel:` href, or undefined. Telegram links addresses and phone
 * numbers in plain text by itself, so they are sent as text instead of a broken link.
 */
function addressOf(href: string): string | undefined {
  const match = /^(mailto|tel):([^?;#]*)/i.exec(href.trim());
  if (!match?.[2]) return undefined;
  let value = match[2];
  try {
    value = decodeURIComponent(value);
  } catch {
    // A stray `%` keeps the href as written.
  }
  return value.trim() || undefined;
}

/** Whether link text already shows the address (phone numbers compared by their digits). */
function shows(text: string, address: string): boolean {
  if (text.toLowerCase().includes(address.toLowerCase())) return true;
  const digits = address.replace(/\D/g, "");
  return /^\+?[\d\s().-]+$/.test(address) && digits !== "" && text.replace(/\D/g, "").includes(digits);
}

/** Converts HTML (a CRM message, or marked's output) into Telegram-safe segments. */
export function htmlToSegments(html: string): Segment[] {
  const out: Segment[] = [];
  const stack: Open[] = [];
  const lists: Array<{ ordered: boolean; next: number }> = [];
  const cells: number[] = [];
  let hidden = 0;

  const tags = (): Tag[] => stack.flatMap((o) => (o.tag ? [o.tag] : []));
  const inside = (name: Tag["name"]) => stack.some((o) => o.tag?.name === name);
  const literal = () => inside("pre");
  /** The last two visible characters (enough to know how many line breaks end the text). */
  const tail = () => {
    let end = "";
    for (let i = out.length - 1; i >= 0 && end.length < 2; i -= 1) end = (out[i]?.text ?? "") + end;
    return end.slice(-2);
  };
  const push = (text: string) => {
    if (text !== "") out.push({ text, tags: tags() });
  };
  /** Spaces before a break or a table separator are invisible noise. */
  const trimTrailingSpaces = () => {
    const last = out.at(-1);
    if (last && !literal()) last.text = last.text.replace(/[ \t]+$/, "");
  };
  /** Ends the current line (n = 1) or paragraph (n = 2), unless at the very start. */
  const breakLine = (n: 1 | 2) => {
    if (out.length === 0) return;
    trimTrailingSpaces();
    const end = tail();
    const have = end.endsWith("\n\n") ? 2 : end.endsWith("\n") ? 1 : 0;
    if (have < n) push("\n".repeat(n - have));
  };

  const onOpen = (name: string, attrs: Record<string, string>) => {
    if (HIDDEN.has(name)) hidden += 1;
    // A list inside a list item continues the item's lines instead of starting a paragraph.
    const nestedList = (name === "ul" || name === "ol") && lists.length > 0;
    if (PARAGRAPHS.has(name) && !nestedList) breakLine(2);
    else if (LINES.has(name) || nestedList) breakLine(1);
    let tag: Tag | undefined;
    let address: Open["address"];
    const verbatim = inside("code") || inside("pre");
    if (name === "code" && !inside("code")) {
      const language = inside("pre") ? /language-([\w+#.-]+)/.exec(attrs.class ?? "")?.[1] : undefined;
      tag = { name: "code", ...(language ? { language } : {}) };
    } else if (!verbatim && name === "pre") tag = { name: "pre" };
    else if (!verbatim && Object.hasOwn(INLINE, name)) tag = { name: INLINE[name]! };
    else if (!verbatim && name === "span" && /\btg-spoiler\b/.test(attrs.class ?? "")) tag = { name: "tg-spoiler" };
    else if (!verbatim && name === "blockquote" && !inside("blockquote")) tag = { name: "blockquote" };
    else if (!verbatim && name === "a" && !inside("a") && LINK_SCHEMES.test(attrs.href ?? ""))
      tag = { name: "a", href: attrs.href };
    else if (/^h[1-6]$/.test(name) && !verbatim) tag = { name: "b" };
    if (name === "a" && !tag) {
      const value = addressOf(attrs.href ?? "");
      if (value) address = { value, start: out.length };
    }
    stack.push({ name, tag, ...(address ? { address } : {}) });
    if (hidden > 0) return;
    if (name === "br") push("\n");
    else if (name === "hr") push("———");
    else if (name === "img") pushImage(attrs);
    else if (name === "ul" || name === "ol")
      lists.push({ ordered: name === "ol", next: Number(attrs.start ?? 1) || 1 });
    else if (name === "li") pushBullet();
    else if (name === "tr") cells.push(0);
    else if ((name === "td" || name === "th") && cells.length > 0) {
      const count = cells[cells.length - 1] ?? 0;
      if (count > 0) {
        trimTrailingSpaces();
        push(" | ");
      }
      cells[cells.length - 1] = count + 1;
    }
  };

  const pushImage = (attrs: Record<string, string>) => {
    const alt = (attrs.alt ?? "").trim();
    const src = attrs.src ?? "";
    if (LINK_SCHEMES.test(src) && !inside("a") && !inside("code") && !inside("pre")) {
      out.push({ text: alt || "image", tags: [...tags(), { name: "a", href: src }] });
    } else if (alt) push(alt);
  };

  const pushBullet = () => {
    const list = lists.at(-1);
    const indent = "  ".repeat(Math.max(0, lists.length - 1));
    if (!list) return push("• ");
    push(list.ordered ? `${indent}${list.next}. ` : `${indent}• `);
    list.next += 1;
  };

  const onClose = (name: string) => {
    // Pop up to the matching element; htmlparser2 reports implied closes, so this stays balanced.
    const index = stack.map((o) => o.name).lastIndexOf(name);
    if (index < 0) return;
    const closing = stack[index];
    stack.length = index;
    if (closing?.address && hidden === 0) {
      const { value, start } = closing.address;
      const text = out
        .slice(start)
        .map((segment) => segment.text)
        .join("");
      if (text.trim() === "") push(value);
      else if (!shows(text, value)) push(` (${value})`);
    }
    if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
    if (name === "ul" || name === "ol") lists.pop();
    if (name === "tr") cells.pop();
    const nestedList = (name === "ul" || name === "ol") && lists.length > 0;
    if (PARAGRAPHS.has(name) && !nestedList) breakLine(2);
    else if (LINES.has(name) || nestedList) breakLine(1);
  };

  const onText = (raw: string) => {
    if (hidden > 0) return;
    if (literal()) return push(raw);
    let text = raw.replace(/\s+/g, " ");
    const end = tail();
    if (out.length === 0 || end.endsWith("\n") || end.endsWith(" ")) text = text.replace(/^ /, "");
    push(text);
  };

  const parser = new Parser(
    { onopentag: onOpen, onclosetag: onClose, ontext: onText },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return mergeRuns(hoistWhitespace(trimSegments(out)));
}

function sharedDepth(a: readonly Tag[], b: readonly Tag[] | undefined): number {
  let depth = 0;
  while (b && depth < a.length && depth < b.length && a[depth] === b[depth]) depth += 1;
  return depth;
}

/** Moves line breaks at the edges of an entity outside it (`<blockquote>q\n\n</blockquote>` → `…q</blockquote>\n\n`). */
function hoistWhitespace(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  segments.forEach((segment, i) => {
    let { text } = segment;
    const before = sharedDepth(segment.tags, segments[i - 1]?.tags);
    const after = sharedDepth(segment.tags, segments[i + 1]?.tags);
    if (text.trim() === "") {
      out.push({ text, tags: segment.tags.slice(0, Math.min(before, after)) });
      return;
    }
    const lead = before < segment.tags.length ? (/^\s+/.exec(text)?.[0] ?? "") : "";
    if (lead && lead !== text) {
      out.push({ text: lead, tags: segment.tags.slice(0, before) });
      text = text.slice(lead.length);
    }
    const trail = after < segment.tags.length ? (/\s+$/.exec(text)?.[0] ?? "") : "";
    if (trail && trail !== text) {
      out.push({ text: text.slice(0, -trail.length), tags: segment.tags });
      out.push({ text: trail, tags: segment.tags.slice(0, after) });
    } else out.push({ text, tags: segment.tags });
  });
  return out;
}

/** Joins neighbouring runs with the same entities (fewer, longer runs split more cleanly). */
function mergeRuns(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && last.tags.length === s.tags.length && last.tags.every((t, i) => t === s.tags[i])) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}
