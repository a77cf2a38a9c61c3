/**
 * @module format/render-html — BB-code nodes as the HTML subset chat gateways render (`b i u s a
 * pre blockquote br`, the tags Telegram's renderer and the email body both take).
 */
import type { BbNode } from "./bbcode-tree.js";

const TAGS = { bold: "b", italic: "i", underline: "u", strike: "s" } as const;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders nodes as HTML. */
export function renderHtml(nodes: readonly BbNode[]): string {
  let out = "";
  let afterBlock = false;
  for (const node of nodes) {
    // A quote or code block already ends its line; the break after it is that same line end.
    if (afterBlock && node.type === "break") {
      afterBlock = false;
      continue;
    }
    afterBlock = node.type === "quote" || node.type === "code";
    switch (node.type) {
      case "text":
        out += escapeHtml(node.text);
        break;
      case "break":
        out += "<br>";
        break;
      case "emphasis":
        out += `<${TAGS[node.emphasis]}>${renderHtml(node.children)}</${TAGS[node.emphasis]}>`;
        break;
      case "link":
        out += `<a href="${escapeHtml(node.href)}">${renderHtml(node.children)}</a>`;
        break;
      case "quote":
        out += `<blockquote>${renderHtml(node.children)}</blockquote>`;
        break;
      case "code":
        out += `<pre>${escapeHtml(node.text)}</pre>`;
        break;
    }
  }
  return out;
}
