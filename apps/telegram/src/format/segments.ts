/**
 * @module format/segments — formatted text as runs of plain text, each with the Telegram
 * entities around it. Every format is converted to this, split on it, then serialised.
 */

/** A Telegram HTML entity. One object per element: runs of the same element share it. */
export interface Tag {
  name: "b" | "i" | "u" | "s" | "a" | "code" | "pre" | "blockquote" | "tg-spoiler";
  href?: string;
  /** For `code` inside `pre`: the language of the block. */
  language?: string;
}

/** A run of visible text and the entities it sits in, outermost first. */
export interface Segment {
  text: string;
  tags: readonly Tag[];
}

/** Visible length as Telegram limits count it (UTF-16 code units of the parsed text). */
export function visibleLength(segments: readonly Segment[]): number {
  return segments.reduce((sum, s) => sum + s.text.length, 0);
}

/** Escapes text for Telegram HTML: only `&`, `<` and `>` are special. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, "&quot;");
}

function openTag(tag: Tag): string {
  if (tag.name === "a") return `<a href="${escapeAttribute(tag.href ?? "")}">`;
  if (tag.name === "code" && tag.language) return `<code class="language-${escapeAttribute(tag.language)}">`;
  return `<${tag.name}>`;
}

/** Serialises segments to Telegram HTML, opening and closing each entity exactly where it changes. */
export function toTelegramHtml(segments: readonly Segment[]): string {
  let out = "";
  let open: readonly Tag[] = [];
  for (const segment of segments) {
    let common = 0;
    while (common < open.length && common < segment.tags.length && open[common] === segment.tags[common]) common += 1;
    for (let i = open.length - 1; i >= common; i -= 1) out += `</${open[i]?.name}>`;
    for (const tag of segment.tags.slice(common)) out += openTag(tag);
    out += escapeHtml(segment.text);
    open = segment.tags;
  }
  for (let i = open.length - 1; i >= 0; i -= 1) out += `</${open[i]?.name}>`;
  return out;
}

/** The visible text alone (for plain-text sends). */
export function toPlainText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join("");
}

/** Removes leading and trailing whitespace of the whole text, dropping runs left empty. */
export function trimSegments(segments: readonly Segment[]): Segment[] {
  const out = segments.map((s) => ({ ...s }));
  while (out.length > 0 && out[0] && out[0].text.trimStart() === "") out.shift();
  while (out.length > 0 && out.at(-1) && out.at(-1)?.text.trimEnd() === "") out.pop();
  const first = out[0];
  const last = out.at(-1);
  if (first) first.text = first.text.trimStart();
  if (last) last.text = last.text.trimEnd();
  return out.filter((s) => s.text !== "");
}
