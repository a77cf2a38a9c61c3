/**
 * @module format/html-to-bbcode — a customer's HTML (an HTML-only email) as BB-codes: emphasis and
 * links kept, blocks as lines, blockquotes as the messenger's `------` quote block, `pre` as
 * `[code]`, scripts and styles (not words) left out, every other word kept, whitespace as a browser
 * would collapse it.
 */
import { Parser } from "htmlparser2";
import { BbcodeWriter } from "./bbcode-writer.js";

const EMPHASIS = new Map([
  ["b", "b"],
  ["strong", "b"],
  ["i", "i"],
  ["em", "i"],
  ["u", "u"],
  ["ins", "u"],
  ["s", "s"],
  ["strike", "s"],
  ["del", "s"],
]);
const BLOCKS = new Set([
  "div",
  "section",
  "article",
  "header",
  "footer",
  "main",
  "nav",
  "aside",
  "ul",
  "ol",
  "table",
  "tr",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
  "address",
  "center",
  "form",
  "fieldset",
]);
const PARAGRAPHS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6"]);
const SKIPPED = new Set(["script", "style", "head", "title", "template", "noscript", "svg", "math"]);
/** The messenger's quote-block delimiter (a line of dashes, as Bitrix writes quoted messages). */
export const QUOTE_DELIMITER = "------------------------------------------------------";

/** Converts HTML to BB-code text. */
export function htmlToBbcode(html: string): string {
  const out = new BbcodeWriter();
  const closers: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let skipping = 0;
  let pre = 0;
  let lineHasText = false;

  const write = (words: string) => {
    if (words === "") return;
    out.text(words);
    lineHasText = true;
  };
  const endLine = (blank = false) => {
    out.lineEnd(blank);
    lineHasText = false;
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (SKIPPED.has(name)) {
          skipping++;
          closers.push("");
          return;
        }
        if (skipping) return (closers.push(""), undefined);
        const emphasis = EMPHASIS.get(name);
        let closer = "";
        if (emphasis) {
          out.code(`[${emphasis}]`);
          closer = `[/${emphasis}]`;
        } else if (name === "a") {
          closer = out.linkOpen(attribs.href) ? "[/url]" : "";
        } else if (name === "br") {
          out.code("\n");
          lineHasText = false;
        } else if (name === "img") {
          if (attribs.alt?.trim()) write(attribs.alt.trim());
        } else if (name === "pre") {
          endLine();
          out.code("[code]");
          pre++;
          closer = "[/code]";
        } else if (name === "blockquote") {
          endLine();
          out.code(`${QUOTE_DELIMITER}\n`);
          closer = "quote";
        } else if (name === "li") {
          endLine();
          const list = lists[lists.length - 1];
          write(list?.ordered ? `${list.next++}. ` : "• ");
          lineHasText = false;
          closer = "line";
        } else if (name === "hr") {
          endLine();
          write("———");
          endLine();
        } else if (PARAGRAPHS.has(name)) {
          endLine(true);
          if (name !== "p") {
            out.code("[b]");
            closer = "[/b]para";
          } else closer = "para";
        } else if (BLOCKS.has(name) || name === "td" || name === "th") {
          if (name === "ul" || name === "ol") {
            const start = Number(attribs.start);
            lists.push({ ordered: name === "ol", next: Number.isInteger(start) ? start : 1 });
          }
          if (name === "td" || name === "th") {
            if (lineHasText) write(" | ");
          } else endLine();
          closer = name === "ul" || name === "ol" ? "list" : name === "td" || name === "th" ? "" : "line";
        }
        closers.push(closer);
      },
      ontext(text) {
        if (skipping) return;
        if (pre) {
          out.text(text);
          return;
        }
        let words = text.replace(/[ \t\r\n\f]+/g, " ");
        if (!lineHasText) words = words.replace(/^ /, "");
        write(words);
      },
      onclosetag(name, implied) {
        if (implied && (name === "br" || name === "img" || name === "hr")) {
          closers.pop();
          return;
        }
        const closer = closers.pop() ?? "";
        if (SKIPPED.has(name)) {
          skipping = Math.max(0, skipping - 1);
          return;
        }
        if (skipping) return;
        if (closer === "[/code]") {
          pre = Math.max(0, pre - 1);
          out.code("[/code]");
          endLine();
        } else if (closer === "quote") {
          endLine();
          out.code(`${QUOTE_DELIMITER}\n`);
          lineHasText = false;
        } else if (closer === "list") {
          lists.pop();
          endLine();
        } else if (closer === "line") endLine();
        else if (closer.endsWith("para")) {
          if (closer.startsWith("[/b]")) out.code("[/b]");
          endLine(true);
        } else if (closer) out.code(closer);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out
    .toString()
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n");
}
