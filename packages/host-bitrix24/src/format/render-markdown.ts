/**
 * @module format/render-markdown — BB-code nodes as CommonMark (with GFM strikethrough), the
 * protocol's `markdown` format. Newlines stay newlines (chat markdown, as the Telegram gateway
 * renders it with `breaks: true`). Text is escaped so an operator's `*` or `_` stays a character;
 * bare URLs become `<…>` autolinks so escaping never breaks them. Underline has no markdown form:
 * its words are kept without it.
 */
import { plainTextOf, type BbNode } from "./bbcode-tree.js";

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>]+/gi;

// Characters that are markup anywhere; `&` only where it would start a character reference. A `!`
// needs no escape: the `[` of an image is escaped already. `#`, `>`, `-`, `+`, `=` and `1.` are
// markup only at the start of a line.
function escapePlain(text: string, lineStart: boolean): string {
  let out = text.replace(/[\\`*_[\]<~|]/g, "\\$&").replace(/&(?=#?[a-z0-9]+;)/gi, "\\&");
  if (lineStart) out = out.replace(/^(\s*)([-+=#>])/, "$1\\$2").replace(/^(\s*\d{1,9})([.)])/, "$1\\$2");
  return out;
}

/** Escapes a text run for markdown, turning bare URLs into autolinks (not inside a link's text: links do not nest). */
export function escapeMarkdown(text: string, lineStart = true, autolinks = true): string {
  if (!autolinks) return escapePlain(text, lineStart);
  let out = "";
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    // Trailing punctuation belongs to the sentence, not the URL (as GFM's autolinker decides).
    const url = match[0].replace(/[.,;:!?'")\]]+$/, "");
    out += escapePlain(text.slice(last, match.index), lineStart && last === 0);
    out += `<${url}>`;
    last = match.index + url.length;
  }
  return out + escapePlain(text.slice(last), lineStart && last === 0);
}

const MARKERS = { bold: "**", italic: "*", strike: "~~", underline: "" } as const;

function wrap(inner: string, marker: string): string {
  if (marker === "" || inner.trim() === "") return inner;
  // Emphasis cannot start or end with whitespace in CommonMark: keep the spaces outside it.
  const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
  return `${lead}${marker}${core}${marker}${trail}`;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

/** Renders nodes as markdown (`inLink`: inside a link's text, where URLs stay text). */
export function renderMarkdown(nodes: readonly BbNode[], inLink = false): string {
  let out = "";
  const atLineStart = () => out === "" || out.endsWith("\n");
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
        out += escapeMarkdown(node.text, atLineStart(), !inLink);
        break;
      case "break":
        out += "\n";
        break;
      case "emphasis":
        out += wrap(renderMarkdown(node.children, inLink), MARKERS[node.emphasis]);
        break;
      case "link": {
        const target = node.href.replace(/[<>\n ]/g, encodeURIComponent);
        if (plainTextOf(node.children) === node.href) {
          out += `<${target}>`;
          break;
        }
        const label = renderMarkdown(node.children, true).replace(/\n/g, " ");
        out += `[${label || escapeMarkdown(node.href, false, false)}](<${target}>)`;
        break;
      }
      case "quote": {
        if (!atLineStart()) out += "\n";
        const body = renderMarkdown(node.children, inLink)
          .split("\n")
          .map((line) => (line ? `> ${line}` : ">"))
          .join("\n");
        // A blank line ends the quote: otherwise the next line would continue it lazily.
        out += `${body}\n\n`;
        break;
      }
      case "code": {
        if (!atLineStart()) out += "\n";
        const marks = fence(node.text);
        out += `${marks}\n${node.text}\n${marks}\n`;
        break;
      }
    }
  }
  return out;
}
