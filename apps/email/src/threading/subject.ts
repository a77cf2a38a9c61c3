/**
 * @module threading/subject — subjects without reply/forward prefixes, and reply subjects.
 */

// Re:, Fwd:, Fw:, localised variants (AW/WG German, SV Nordic, Ответ/Пересл Russian),
// optionally counted (Re[2]:, Re(2):), repeated any number of times.
const PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|antw|отв|ответ|пересл)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;

/** The subject with every leading `Re:` / `Fwd:` (and localised) prefix removed. */
export function baseSubject(subject: string | null | undefined): string {
  let text = (subject ?? "").trim();
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(PREFIX, "").trim();
  }
  return text;
}

/** The subject of a reply in a thread whose subject is `base`. */
export function replySubject(base: string): string {
  return base ? `Re: ${base}` : "";
}
