// Bitrix24's BB-codes as the portal's messenger shows them (a preview: the portal renders them itself).
import { safeHtml } from "./common.js";

const PAIRS = [
  [/\[b\]([\s\S]*?)\[\/b\]/gi, "<b>$1</b>"],
  [/\[i\]([\s\S]*?)\[\/i\]/gi, "<i>$1</i>"],
  [/\[u\]([\s\S]*?)\[\/u\]/gi, "<u>$1</u>"],
  [/\[s\]([\s\S]*?)\[\/s\]/gi, "<s>$1</s>"],
  [/\[code\]([\s\S]*?)\[\/code\]/gi, "<pre>$1</pre>"],
  [/\[quote\]([\s\S]*?)\[\/quote\]/gi, "<blockquote>$1</blockquote>"],
  [/\[url=(https?:\/\/[^\]\s"]+)\]([\s\S]*?)\[\/url\]/gi, '<a href="$1">$2</a>'],
  [/\[url\](https?:\/\/[^[\s"]+)\[\/url\]/gi, '<a href="$1">$1</a>'],
];

/**
 * A message's BB-codes (`[b]`, `[i]`, `[u]`, `[s]`, `[url]`, `[br]`, `[quote]`, `[code]`) as a safe
 * fragment: the text is escaped first, the known codes become tags, and safeHtml keeps only those.
 */
export function bbcodeView(text) {
  let html = text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\[br\]/gi, "\n");
  for (const [pattern, replacement] of PAIRS) html = html.replace(pattern, replacement);
  return safeHtml(html, "telegram");
}
