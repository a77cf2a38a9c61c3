/**
 * @module format/escape-bbcode — a customer's words as BB-code text that shows exactly those words.
 * BB-codes have no escape character, so a zero-width space (U+200B) goes where the messenger would
 * otherwise see markup: after the `[` of anything that looks like a code (`[b]`, `[/url]`,
 * `[USER=1]`), between the two `>` of a `>>` quote line and into a line of dashes (a quote block).
 * The text reads the same; nothing the customer typed can bold, link, mention or quote.
 */

const ZWSP = "\u200b";

/** Escapes plain text for a BB-code message (`imconnector.send.messages` `message.text`). */
export function escapeBbcode(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\[(?=\/?[a-z*])/gi, `[${ZWSP}`)
    .replace(/^(\s*)>>/gm, `$1>${ZWSP}>`)
    .replace(/^(\s*)-(-{5,}\s*)$/gm, `$1-${ZWSP}$2`);
}
