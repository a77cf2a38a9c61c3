/**
 * Reads a rendered HTML page the way a browser does (parse5, the HTML standard's parser): its
 * parse errors, its elements, and the body a browser would POST for its form.
 */
import { parse, type DefaultTreeAdapterTypes } from "parse5";

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

/** A parsed page and what the parser found wrong with it (error codes; none for a valid page). */
export interface ParsedPage {
  elements: Element[];
  errors: string[];
}

/** Parses a whole document, collecting the parser's error codes. */
export function parsePage(html: string): ParsedPage {
  const errors: string[] = [];
  const document = parse(html, { onParseError: (error) => errors.push(error.code) });
  return { elements: descendants(document), errors };
}

function descendants(node: Node): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if ("tagName" in n) out.push(n);
    if ("childNodes" in n) for (const child of n.childNodes) walk(child);
  };
  walk(node);
  return out;
}

/** An attribute's value, or undefined when the element does not have it. */
export function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** The text inside an element, as `textContent` gives it. */
export function textOf(element: Element): string {
  let out = "";
  const walk = (n: Node) => {
    if (n.nodeName === "#text") out += (n as DefaultTreeAdapterTypes.TextNode).value;
    if ("childNodes" in n) for (const child of n.childNodes) walk(child);
  };
  walk(element);
  return out;
}

/** Elements of `page` with this tag name. */
export function byTag(page: ParsedPage, tagName: string): Element[] {
  return page.elements.filter((e) => e.tagName === tagName);
}

/** Elements inside `element` (itself excluded). */
export function within(element: Element): Element[] {
  return descendants(element).slice(1);
}

/** The controls a form submits: inputs, textareas, selects and buttons with a name. */
export function namedControls(page: ParsedPage): Element[] {
  return page.elements.filter((e) => ["input", "textarea", "select", "button"].includes(e.tagName) && attr(e, "name"));
}

/**
 * The `application/x-www-form-urlencoded` body a browser builds for the page's form, after
 * `edits` (by input name: a text for a text input or textarea, true/false to tick or untick a
 * checkbox; for a list of checkboxes, the ticked values). Line breaks go as CRLF, as browsers send them.
 */
export function submission(page: ParsedPage, edits: Record<string, string | boolean | string[]> = {}): URLSearchParams {
  const body = new URLSearchParams();
  const edit = (name: string) => (Object.hasOwn(edits, name) ? edits[name] : undefined);
  for (const control of namedControls(page)) {
    const name = attr(control, "name")!;
    if (control.tagName === "textarea") {
      const value = edit(name) ?? textOf(control);
      body.append(name, String(value).replace(/\r?\n/g, "\r\n"));
      continue;
    }
    if (control.tagName !== "input") continue;
    const type = attr(control, "type") ?? "text";
    const value = attr(control, "value") ?? (type === "checkbox" ? "on" : "");
    if (type === "checkbox") {
      const wanted = edit(name);
      const checked = Array.isArray(wanted)
        ? wanted.includes(value)
        : typeof wanted === "boolean"
          ? wanted
          : attr(control, "checked") !== undefined;
      if (checked) body.append(name, value);
      continue;
    }
    const wanted = edit(name);
    body.append(name, typeof wanted === "string" ? wanted : value);
  }
  return body;
}
