/**
 * @module send/split — long texts as several messages, since Twilio takes at most 1600 characters.
 */

/** Twilio's limit on one message body. */
export const MAX_BODY_LENGTH = 1600;

/**
 * Splits a text into parts of at most `max` UTF-16 code units, breaking at a paragraph, a line or a
 * space where possible and never inside a surrogate pair. A text that fits is returned as is.
 */
export function splitText(text: string, max = MAX_BODY_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = breakPoint(rest, max);
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

function breakPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  // Prefer natural breaks, but not so early that parts become tiny.
  const floor = Math.floor(max / 2);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator);
    if (at >= floor) return at + separator.length > max ? at : at + separator.length;
  }
  const code = text.charCodeAt(max - 1);
  const highSurrogate = code >= 0xd800 && code <= 0xdbff;
  return highSurrogate ? max - 1 : max;
}
