/**
 * @module send/flatten — CRM markdown and HTML as clean plain text for SMS (links kept as URLs).
 */
import { convert, type HtmlToTextOptions } from "html-to-text";
import { marked } from "marked";
import type { MessageContent } from "@switchboard/core";

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    ...HEADINGS,
    { selector: "a", options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true, linkBrackets: ["(", ")"] } },
    { selector: "img", options: { linkBrackets: ["(", ")"] } },
    { selector: "ul", options: { itemPrefix: "• " } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    { selector: "hr", format: "skip" },
  ],
};

/** Plain text of an HTML fragment. */
export function htmlToPlainText(html: string): string {
  return tidy(convert(html, OPTIONS));
}

/** Plain text of a markdown text (rendered to HTML by marked, then flattened). */
export function markdownToPlainText(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: true });
  return htmlToPlainText(html);
}

/** The SMS body for a message's content, whatever its format. */
export function contentToPlainText(content: MessageContent): string {
  switch (content.format) {
    case "markdown":
      return markdownToPlainText(content.text);
    case "html":
      return htmlToPlainText(content.text);
    default:
      return tidy(content.text);
  }
}

/** Trims line ends and collapses runs of blank lines, which only cost segments. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
