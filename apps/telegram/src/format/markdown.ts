/**
 * @module format/markdown — CRM markdown to HTML with marked. Raw HTML inside markdown is kept
 * only for tags we can render; anything else (`<dolor>`, `<script>`) is shown as the text the
 * manager typed instead of silently vanishing.
 */
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "./segments.js";

const RENDERABLE = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-spoiler",
  "span",
  "br",
  "p",
]);

function keepRenderableTags(html: string): string {
  let out = "";
  let last = 0;
  for (const match of html.matchAll(/<\/?([a-zA-Z][\w-]*)\b[^<>]*>/g)) {
    out += html.slice(last, match.index);
    out += RENDERABLE.has((match[1] ?? "").toLowerCase()) ? match[0] : escapeHtml(match[0]);
    last = match.index + match[0].length;
  }
  return out + html.slice(last);
}

// Our own instance and options, so nothing else's `marked.use()` can change how we render.
const marked = new Marked({
  gfm: true,
  // Chat messages use single newlines as line breaks.
  breaks: true,
  async: false,
  renderer: {
    html: (token: Tokens.HTML | Tokens.Tag) => keepRenderableTags(token.text),
  },
});

/** Renders markdown to HTML (to be reduced to Telegram's tags afterwards). */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown) as string;
}
