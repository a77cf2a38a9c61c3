/**
 * @module format/entities — HTML character references in operator text. Bitrix's messenger keeps
 * messages HTML-escaped in places (`&quot;`, `&#039;`, `&amp;`), so an event's text can carry them.
 */

const NAMED = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
]);

/** Decodes the references Bitrix produces (the five XML ones, `&nbsp;`, numeric ones); leaves anything else as typed. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED.get(ref.toLowerCase()) ?? whole;
  });
}
