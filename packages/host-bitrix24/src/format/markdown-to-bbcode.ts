/**
 * @module format/markdown-to-bbcode — customer markdown as BB-codes, read with marked's lexer
 * (CommonMark + GFM, single newlines kept as breaks as chat markdown means them).
 */
import { Lexer, type Token, type Tokens } from "marked";
import { BbcodeWriter } from "./bbcode-writer.js";
import { decodeEntities } from "./entities.js";
import { QUOTE_DELIMITER } from "./html-to-bbcode.js";

const EMPHASIS = new Map([
  ["strong", "b"],
  ["em", "i"],
  ["del", "s"],
]);

function inline(out: BbcodeWriter, tokens: readonly Token[] | undefined): void {
  for (const token of tokens ?? []) {
    const emphasis = EMPHASIS.get(token.type);
    if (emphasis) {
      out.code(`[${emphasis}]`);
      inline(out, (token as Tokens.Strong).tokens);
      out.code(`[/${emphasis}]`);
      continue;
    }
    switch (token.type) {
      case "link": {
        const link = token as Tokens.Link;
        const opened = out.linkOpen(link.href);
        inline(out, link.tokens);
        if (opened) out.code("[/url]");
        else if (link.href && link.text !== link.href) out.text(` (${link.href})`);
        break;
      }
      case "image": {
        const image = token as Tokens.Image;
        out.text(image.text ? `${image.text} (${image.href})` : image.href);
        break;
      }
      case "br":
        out.code("\n");
        break;
      case "codespan":
        out.text(decodeEntities((token as Tokens.Codespan).text));
        break;
      case "text": {
        const text = token as Tokens.Text;
        if (text.tokens?.length) inline(out, text.tokens);
        else out.text(decodeEntities(text.text));
        break;
      }
      case "escape":
        out.text(decodeEntities((token as Tokens.Escape).text));
        break;
      default:
        // Inline HTML and anything else marked knows: shown as the customer typed it.
        out.text(token.raw);
    }
  }
}

function blocks(out: BbcodeWriter, tokens: readonly Token[]): void {
  for (const token of tokens) {
    switch (token.type) {
      case "space":
        break;
      case "paragraph":
        inline(out, (token as Tokens.Paragraph).tokens);
        out.lineEnd(true);
        break;
      case "heading":
        out.code("[b]");
        inline(out, (token as Tokens.Heading).tokens);
        out.code("[/b]");
        out.lineEnd(true);
        break;
      case "code": {
        const block = token as Tokens.Code;
        out.lineEnd();
        // A fence's info string is words the customer typed (`~~~~ word` opens a fence), not only
        // a language name: it goes first in the block rather than being dropped.
        const info = block.lang?.trim();
        if (info) out.text(`${info}\n`);
        out.code("[code]");
        out.text(block.text);
        out.code("[/code]");
        out.lineEnd(true);
        break;
      }
      case "blockquote":
        out.lineEnd();
        out.code(`${QUOTE_DELIMITER}\n`);
        blocks(out, (token as Tokens.Blockquote).tokens);
        out.lineEnd();
        out.code(`${QUOTE_DELIMITER}\n`);
        break;
      case "list": {
        const list = token as Tokens.List;
        let n = typeof list.start === "number" ? list.start : 1;
        for (const item of list.items) {
          out.lineEnd();
          out.text(list.ordered ? `${n++}. ` : "• ");
          blocks(out, item.tokens);
        }
        out.lineEnd(true);
        break;
      }
      case "hr":
        out.lineEnd();
        out.text("———");
        out.lineEnd();
        break;
      case "table": {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => {
          out.lineEnd();
          cells.forEach((cell, i) => {
            if (i) out.text(" | ");
            inline(out, cell.tokens);
          });
        };
        row(table.header);
        table.rows.forEach(row);
        out.lineEnd(true);
        break;
      }
      case "text": {
        const text = token as Tokens.Text;
        if (text.tokens?.length) inline(out, text.tokens);
        else out.text(decodeEntities(text.text));
        out.lineEnd();
        break;
      }
      default:
        out.text(token.raw);
        out.lineEnd();
    }
  }
}

/** Converts markdown to BB-code text. */
export function markdownToBbcode(markdown: string): string {
  const out = new BbcodeWriter();
  blocks(out, new Lexer({ gfm: true, breaks: true }).lex(markdown.replace(/\r\n?/g, "\n")));
  return out.toString().replace(/\n{3,}/g, "\n\n");
}
