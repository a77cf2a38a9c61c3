/**
 * @module format/format-content — a CRM message content (text, markdown or html) as Telegram
 * segments, plus how to serialise them for the Bot API.
 */
import type { MessageContent } from "@switchboard/core";
import { htmlToSegments } from "./html-to-segments.js";
import { markdownToHtml } from "./markdown.js";
import { toPlainText, toTelegramHtml, trimSegments, type Segment } from "./segments.js";

/** Content ready to split and send: `html` says whether it goes with `parse_mode: "HTML"`. */
export interface FormattedContent {
  segments: Segment[];
  html: boolean;
}

/** Converts content to segments: text stays verbatim, markdown goes through HTML, HTML is reduced. */
export function formatContent(content: MessageContent): FormattedContent {
  switch (content.format) {
    case "text":
      return { segments: trimSegments([{ text: content.text, tags: [] }]), html: false };
    case "markdown":
      return { segments: htmlToSegments(markdownToHtml(content.text)), html: true };
    case "html":
      return { segments: htmlToSegments(content.text), html: true };
  }
}

/** The text (or caption) and parse mode to send for some segments. */
export function renderForApi(segments: readonly Segment[], html: boolean): { text: string; parse_mode?: "HTML" } {
  return html ? { text: toTelegramHtml(segments), parse_mode: "HTML" } : { text: toPlainText(segments) };
}
