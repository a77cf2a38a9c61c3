/**
 * @module inbound/html-quoted-history — removes the quoted history from an HTML-only mail.
 *
 * Our own rules rather than planer's HTML mode: planer needs a DOM with XPath (jsdom, tens of MB
 * for the gateway), drops every `gmail_quote` (also a customer quoting on purpose) and cuts the
 * last `<blockquote>` whatever precedes it. Here a quote goes only when a mail program marked it
 * as history: an attribution right before it, or the client's own quote markup.
 */
import { DomUtils, parseDocument } from "htmlparser2";
import { attributionAt, isForwardMarker, isForwardSubject } from "./reply-markers.js";

type Element = Parameters<Parameters<typeof DomUtils.findAll>[0]>[0];
type ChildNode = Parameters<typeof DomUtils.removeElement>[0];
type Document = ReturnType<typeof parseDocument>;

// Removed with everything after them: the client writes the history below its marker, unwrapped.
function isCutMarker(el: Element): boolean {
  const id = el.attribs.id ?? "";
  if (/(^|_)(divRplyFwdMsg|appendonsend)$/i.test(id)) return true; // Outlook on the web, Office 365, new Outlook
  if (el.name === "hr" && /(^|_)stopSpelling$/i.test(id)) return true; // Hotmail, Windows Live Mail
  if (/(^|\s)OutlookMessageHeader(\s|$)/.test(el.attribs.class ?? "")) return true; // Outlook 2003
  const style = (el.attribs.style ?? "").replace(/\s+/g, "").toLowerCase();
  // Outlook desktop (#B5C4DF 2007–2010, #E1E1E1 2013+, Outlook for Android): a bordered From:/Sent: block.
  if (el.name === "div" && /border-top:solid#(b5c4df|e1e1e1)/.test(style)) return true;
  // Windows Mail (Windows 10/11 Mail app).
  if (el.name === "div" && style.includes("border-top-color:rgb(229,229,229)") && style.includes("padding-top:5px"))
    return true;
  return false;
}

function hasClass(el: Element, name: string): boolean {
  return (el.attribs.class ?? "").split(/\s+/).includes(name);
}

// Containers that hold the attribution and the quote together.
function isQuoteContainer(el: Element): boolean {
  if (el.attribs.id === "OLK_SRC_BODY_SECTION") return true; // Outlook for Mac
  if (["yahoo_quoted", "protonmail_quote", "zmail_extra"].some((c) => hasClass(el, c))) return true;
  // Gmail: the container of a reply's history holds an attribution (`gmail_attr`). A `gmail_quote`
  // blockquote without one is the customer quoting on purpose, and stays.
  // Gmail before 2018 wrote the attribution as the container's first text.
  if (hasClass(el, "gmail_quote") && el.name !== "blockquote")
    return (
      DomUtils.findOne((child) => hasClass(child, "gmail_attr"), el.children, true) !== null ||
      attributionAt(textLines(el).slice(0, 3), 0) > 0
    );
  return false;
}

const BLOCK = new Set(["div", "p", "br", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table"]);

/** The node's text with a line break at every block element, as a mail program shows it. */
function blockText(node: ChildNode | Document): string {
  if (node.type === "text") return DomUtils.textContent(node);
  if (!("children" in node)) return "";
  const inner = node.children.map((child) => blockText(child)).join("");
  return "name" in node && BLOCK.has(String(node.name)) ? `\n${inner}\n` : inner;
}

function textLines(node: ChildNode | Document): string[] {
  return blockText(node)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const INLINE = new Set(["a", "span", "b", "i", "u", "em", "strong", "font", "small"]);

function isBlank(node: ChildNode): boolean {
  if (node.type === "text") return DomUtils.textContent(node).trim() === "";
  return node.type === "tag" && (node as Element).name === "br";
}

/**
 * What stands right before `el`: the previous block element, or the run of inline nodes (text,
 * links, spans) since the last line break, as mail.ru and Yandex write `… от Name <addr>:<br>`.
 */
function precedingLine(el: Element): ChildNode[] {
  let node = el.prev;
  while (node && isBlank(node)) node = node.prev;
  if (!node) return [];
  if (node.type === "tag" && !INLINE.has((node as Element).name)) return [node];
  const run: ChildNode[] = [];
  while (node && !(node.type === "tag" && !INLINE.has((node as Element).name))) {
    run.unshift(node);
    node = node.prev;
  }
  return run;
}

/** True while `node` is still in the document (not inside a removed subtree). */
function attached(node: ChildNode): boolean {
  let current: ChildNode | Document | null = node;
  while (current && current.type !== "root") current = current.parent as ChildNode | Document | null;
  return current !== null;
}

/** True when `nodes` (a `<div>`, Thunderbird's `moz-cite-prefix`, Yandex's or mail.ru's line) are an attribution. */
function isAttribution(nodes: ChildNode[]): boolean {
  const [first] = nodes;
  if (!first) return false;
  if (
    nodes.length === 1 &&
    first.type === "tag" &&
    (hasClass(first as Element, "moz-cite-prefix") || hasClass(first as Element, "gmail_attr"))
  )
    return true;
  const lines = textLines({ type: "root", children: nodes } as unknown as Document);
  return lines.length > 0 && lines.length <= 3 && attributionAt(lines, 0) === lines.length;
}

function cutAfterMarker(doc: Document): void {
  const marker = DomUtils.findOne(isCutMarker, doc.children, true);
  if (!marker) return;
  let node: ChildNode = marker;
  // Everything after the marker in document order: its later siblings, then each ancestor's.
  for (;;) {
    while (node.next) DomUtils.removeElement(node.next);
    const parent = node.parent;
    if (!parent || parent.type === "root") break;
    node = parent as ChildNode;
  }
  DomUtils.removeElement(marker);
}

/** The `type="cite"` quote that follows `quote` with no visible text in between, if any. */
function nextQuoteWithoutTextBetween(doc: Document, quote: Element): Element | undefined {
  const texts = DomUtils.filter((node) => node.type === "text" && DomUtils.textContent(node).trim() !== "", doc);
  const inQuote = (node: ChildNode): boolean => {
    for (let p: ChildNode | null = node; p; p = p.parent as ChildNode | null) if (p === quote) return true;
    return false;
  };
  const lastInside = texts.findLastIndex((node) => inQuote(node as ChildNode));
  const next = texts[lastInside + 1] as ChildNode | undefined;
  if (lastInside < 0 || !next) return undefined;
  for (let p = next.parent; p && p.type !== "root"; p = p.parent)
    if ((p as Element).name === "blockquote" && (p as Element).attribs.type?.toLowerCase() === "cite")
      return p as Element;
  return undefined;
}

/**
 * `html` without the quoted history, or unchanged when the mail is a forward (the forwarded
 * content is what the customer sends us).
 */
export function removeHtmlQuotedHistory(html: string, subject?: string): string {
  const doc = parseDocument(html);
  if (isForwardSubject(subject) || textLines(doc).some(isForwardMarker)) return html;
  cutAfterMarker(doc);
  for (const el of DomUtils.findAll(isQuoteContainer, doc.children)) DomUtils.removeElement(el);
  for (const quote of DomUtils.findAll((el) => el.name === "blockquote", doc.children)) {
    if (!attached(quote)) continue;
    const before = precedingLine(quote);
    if (isAttribution(before)) {
      for (const node of before) DomUtils.removeElement(node);
      DomUtils.removeElement(quote);
      continue;
    }
    // Apple Mail writes the attribution as the quote's first line, on iOS as a quote of its own
    // followed by the quoted message in the next `type="cite"` quote.
    const inside = textLines(quote).slice(0, 3);
    if (quote.attribs.type?.toLowerCase() === "cite" && attributionAt(inside, 0) > 0) {
      const next = nextQuoteWithoutTextBetween(doc, quote);
      DomUtils.removeElement(quote);
      if (next) DomUtils.removeElement(next);
    }
  }
  return DomUtils.getOuterHTML(doc);
}
