/**
 * @module settings/markdown-html — a previewer's markdown as HTML that is safe on our own page:
 * raw HTML is shown as the text it is, links keep only web and mail addresses, images (which the
 * page's policy would block anyway) become their description, and nothing makes a form control.
 */
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "./escape-html.js";

const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);

function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return LINK_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined; // relative or malformed: nothing to follow from a slider
  }
}

// Our own instance, so no other module's `marked.use()` changes what the page lets through.
const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      if (href === undefined) return text;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
      return `<a href="${escapeHtml(href)}"${title} target="_blank" rel="noopener noreferrer">${text}</a>`;
    },
    image: (token: Tokens.Image) => escapeHtml(token.text),
    // A task list's checkbox would be an unnamed control inside the settings form.
    checkbox: (token: Tokens.Checkbox) => (token.checked ? "☑ " : "☐ "),
  },
});

/** Renders markdown to HTML that cannot add markup, scripts, controls or resources to the page. */
export function markdownToSafeHtml(markdown: string): string {
  try {
    return marked.parse(markdown) as string;
  } catch {
    // marked recurses per nesting level; a pathological text is still shown, as plain text.
    return `<pre>${escapeHtml(markdown)}</pre>`;
  }
}
