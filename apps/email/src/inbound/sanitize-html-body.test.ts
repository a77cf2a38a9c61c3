import { describe, expect, it } from "vitest";
import { sanitizeHtmlBody } from "./sanitize-html-body.js";

describe("sanitizeHtmlBody", () => {
  it("removes scripts, event handlers and javascript: links", () => {
    const html = `<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>`;
    const clean = sanitizeHtmlBody(html);
    expect(clean).not.toMatch(/script|onclick|javascript/);
    expect(clean).toContain("<p>Hi");
  });

  it("drops Gmail and Apple Mail quoted history", () => {
    expect(
      sanitizeHtmlBody(`<div>New</div><div class="gmail_quote">On ... wrote:<blockquote>old</blockquote></div>`),
    ).toBe("<div>New</div>");
    expect(sanitizeHtmlBody(`<p>New</p><blockquote type="cite">old</blockquote>`)).toBe("<p>New</p>");
  });

  it("cuts Outlook history at its marker", () => {
    expect(
      sanitizeHtmlBody(`<p>New</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">From: x</div><p>old</p>`),
    ).toBe("<p>New</p>");
  });

  it("keeps the full body when the quote is all there is", () => {
    expect(sanitizeHtmlBody(`<blockquote type="cite">only quote</blockquote>`)).toContain("only quote");
  });

  it("points inline images at their stored copies", () => {
    const urls = new Map([["logo@x", "https://gw.test/files/1"]]);
    expect(sanitizeHtmlBody(`<p>Look <img src="cid:logo@x" alt="logo"></p>`, urls)).toBe(
      `<p>Look <img src="https://gw.test/files/1" alt="logo" /></p>`,
    );
  });
});
