/**
 * @module format/bbcode-writer — building BB-code text from formatted input (HTML, markdown),
 * escaping every run of words and keeping line structure.
 */
import { escapeBbcode } from "./escape-bbcode.js";
import { safeHref } from "./safe-url.js";

/** Appends escaped words and BB-codes, and keeps at most the blank lines a reader would see. */
export class BbcodeWriter {
  private out = "";

  /** Words, escaped. */
  text(words: string): void {
    this.out += escapeBbcode(words);
  }

  /** A BB-code we produce ourselves (never from input). */
  code(markup: string): void {
    this.out += markup;
  }

  /** Ends the current line unless it has just ended; `blank` leaves an empty line after it. */
  lineEnd(blank = false): void {
    if (this.out === "") return;
    const want = blank ? "\n\n" : "\n";
    const trailing = /\n*$/.exec(this.out)![0].length;
    if (trailing < want.length) this.out += "\n".repeat(want.length - trailing);
  }

  /** The opening of a link, or nothing when the target is not one we link (its words still come). */
  linkOpen(href: string | undefined): boolean {
    const safe = href ? safeHref(href) : undefined;
    if (!safe) return false;
    this.out += `[url=${safe.replace(/[[\]]/g, encodeURIComponent)}]`;
    return true;
  }

  /** Everything written, without trailing blank lines. */
  toString(): string {
    return this.out.replace(/\s+$/, "");
  }
}
