/**
 * @module format/operator-text — an operator's Open Lines message in the best format the gateway
 * declares (`capabilities.messages.formats`, core's MESSAGE_FORMATS: `text`, `markdown`, `html`).
 */
import type { MessageFormat } from "@switchboard/core";
import { isPlain, type BbNode } from "./bbcode-tree.js";
import { parseBbcode } from "./parse-bbcode.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";
import { renderText } from "./render-text.js";
import { splitSignature } from "./signature.js";

/** Message content for the channel, and the operator's name when the text was signed. */
export interface ChannelText {
  text: string;
  format: MessageFormat;
  signature: string | undefined;
}

/** Options of {@link operatorTextToChannel}. */
export interface OperatorTextOptions {
  /** `keep` (default): the signature stays, as a bold "Name:" line; `strip`: it goes, and is only returned. */
  signature?: "keep" | "strip";
}

/** The richest of the declared formats: HTML keeps every BB-code effect, markdown all but underline. */
export function bestFormat(formats: readonly MessageFormat[]): MessageFormat {
  if (formats.includes("html")) return "html";
  if (formats.includes("markdown")) return "markdown";
  return "text";
}

/** Renders nodes in one format. */
export function renderNodes(nodes: readonly BbNode[], format: MessageFormat): string {
  return format === "html" ? renderHtml(nodes) : format === "markdown" ? renderMarkdown(nodes) : renderText(nodes);
}

/**
 * Converts an operator's BB-code text for a gateway that takes `formats`. Text without formatting
 * goes out as `text` whatever the gateway takes, so a plain reply carries no escaping at all.
 */
export function operatorTextToChannel(
  bbText: string,
  formats: readonly MessageFormat[],
  options: OperatorTextOptions = {},
): ChannelText {
  const { signature, body } = splitSignature(bbText);
  const nodes = parseBbcode(body);
  if (signature !== undefined && options.signature !== "strip") {
    nodes.unshift(
      { type: "emphasis", emphasis: "bold", children: [{ type: "text", text: `${signature}:` }] },
      { type: "break" },
    );
  }
  const format = isPlain(nodes) ? "text" : bestFormat(formats);
  return { text: renderNodes(nodes, format).replace(/\s+$/, ""), format, signature };
}
