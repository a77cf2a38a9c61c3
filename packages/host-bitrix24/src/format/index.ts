/**
 * @module format — BB-codes (Bitrix24's message markup) to and from the gateways' formats.
 */
export type { BbNode, Emphasis } from "./bbcode-tree.js";
export { isPlain, plainTextOf } from "./bbcode-tree.js";
export { parseBbcode } from "./parse-bbcode.js";
export { splitSignature } from "./signature.js";
export { renderHtml, escapeHtml } from "./render-html.js";
export { renderMarkdown, escapeMarkdown } from "./render-markdown.js";
export { renderText } from "./render-text.js";
export {
  bestFormat,
  operatorTextToChannel,
  renderNodes,
  type ChannelText,
  type OperatorTextOptions,
} from "./operator-text.js";
export { escapeBbcode } from "./escape-bbcode.js";
export { customerTextToBbcode } from "./customer-text.js";
export { htmlToBbcode, QUOTE_DELIMITER } from "./html-to-bbcode.js";
export { markdownToBbcode } from "./markdown-to-bbcode.js";
