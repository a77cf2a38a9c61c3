/**
 * @module format/render-text — BB-code nodes as plain text for channels without formatting (SMS):
 * emphasis goes, words stay; a link keeps its target when its text does not show it.
 */
import type { BbNode } from "./bbcode-tree.js";

/** Renders nodes as plain text. */
export function renderText(nodes: readonly BbNode[]): string {
  let out = "";
  let afterBlock = false;
  for (const node of nodes) {
    // A quote or code block ends its line: what follows starts a new one.
    if (afterBlock && node.type !== "break") out += "\n";
    afterBlock = node.type === "quote" || node.type === "code";
    switch (node.type) {
      case "text":
        out += node.text;
        break;
      case "break":
        out += "\n";
        break;
      case "emphasis":
        out += renderText(node.children);
        break;
      case "link": {
        const shown = renderText(node.children);
        const target = node.href.replace(/^mailto:|^tel:/i, "");
        out += shown.includes(target) ? shown : `${shown} (${node.href})`;
        break;
      }
      case "quote":
        out += renderText(node.children)
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n");
        break;
      case "code":
        out += node.text;
        break;
    }
  }
  return out;
}
