/**
 * @module format/split — cuts formatted text into messages of at most `limit` visible characters,
 * at a paragraph break if there is one late enough, else a line break, else a space, else
 * anywhere but inside a surrogate pair. Entities cut by a split are closed and reopened, so no
 * part ever has a broken tag.
 */
import { trimSegments, visibleLength, type Segment } from "./segments.js";

/** Telegram's limit for a message text, counted after entity parsing. */
export const TEXT_LIMIT = 4096;
/** Telegram's limit for a media caption. */
export const CAPTION_LIMIT = 1024;

/** Splits segments into parts that each fit `limit` (empty parts are dropped). */
export function splitSegments(segments: readonly Segment[], limit = TEXT_LIMIT): Segment[][] {
  const text = segments.map((s) => s.text).join("");
  const parts: Segment[][] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.length - start <= limit ? text.length : findCut(text, start, limit);
    const part = trimSegments(slice(segments, start, end));
    if (visibleLength(part) > 0) parts.push(part);
    start = end;
  }
  return parts;
}

/** Where to end the part that starts at `start` (exclusive), never more than `limit` further. */
function findCut(text: string, start: number, limit: number): number {
  const window = text.slice(start, start + limit);
  // Only take a break that keeps the part reasonably full, else parts get tiny.
  const candidates: Array<[RegExp, number]> = [
    [/\n\s*\n/g, 0.5],
    [/\n/g, 0.5],
    [/\s/g, 0.3],
  ];
  for (const [pattern, minFill] of candidates) {
    let best = -1;
    for (const match of window.matchAll(pattern)) best = match.index + match[0].length;
    if (best >= limit * minFill) return start + best;
  }
  let cut = start + limit;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/** The runs covering text positions [from, to). */
function slice(segments: readonly Segment[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let offset = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    if (end > from && offset < to) {
      out.push({
        text: segment.text.slice(Math.max(0, from - offset), Math.min(segment.text.length, to - offset)),
        tags: segment.tags,
      });
    }
    offset = end;
    if (offset >= to) break;
  }
  return out;
}
