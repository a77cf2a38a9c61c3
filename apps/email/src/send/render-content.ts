/**
 * @module send/render-content — the MIME bodies of a CRM message by its format: text only;
 * markdown as rendered HTML with the markdown as the text part; HTML with a generated text part.
 */
import type { MessageContent } from "@switchboard/core";
import { convert } from "html-to-text";
import { marked } from "marked";

/** Bodies for nodemailer's `text` / `html` options. */
export interface RenderedBodies {
  text?: string;
  html?: string;
}

/** Renders a message's content into mail bodies (none for an attachments-only message). */
export function renderContent(content: MessageContent | null): RenderedBodies {
  if (!content) return {};
  switch (content.format) {
    case "html":
      return { html: content.text, text: convert(content.text, { wordwrap: 78 }) };
    case "markdown":
      return { html: marked.parse(content.text, { async: false, gfm: true, breaks: true }), text: content.text };
    default:
      return { text: content.text };
  }
}
