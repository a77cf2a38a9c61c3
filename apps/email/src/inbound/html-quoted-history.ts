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

/** The node before `el`, skipping whitespace and `<br>`s. */
function previousContent(el: Element): ChildNode | undefined {
  let node = el.prev;
  while (node) {
    const isBlank = node.type === "text" && DomUtils.textContent(node).trim() === "";
    const isBreak = node.type === "tag" && (node as Element).name === "br";
    if (!isBlank && !isBreak) break;
    node = node.prev;
  }
  return node ?? undefined;
}

/** True while `node` is still in the document (not inside a removed subtree). */
function attached(node: ChildNode): boolean {
  let current: ChildNode | Document | null = node;
  while (current && current.type !== "root") current = current.parent as ChildNode | Document | null;
  return current !== null;
}

/** True when `node` (a `<div>`, Thunderbird's `moz-cite-prefix`, Yandex's or mail.ru's line) is an attribution. */
function isAttribution(node: ChildNode): boolean {
  if (node.type === "tag" && (hasClass(node as Element, "moz-cite-prefix") || hasClass(node as Element, "gmail_attr")))
    return true;
  const lines = textLines(node);
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
    const before = previousContent(quote);
    if (before && isAttribution(before)) {
      DomUtils.removeElement(before);
      DomUtils.removeElement(quote);
      continue;
    }
    // Apple Mail writes the attribution as the quote's first line.
    const inside = textLines(quote).slice(0, 3);
    if (quote.attribs.type?.toLowerCase() === "cite" && attributionAt(inside, 0) > 0) DomUtils.removeElement(quote);
  }
  return DomUtils.getOuterHTML(doc);
}
