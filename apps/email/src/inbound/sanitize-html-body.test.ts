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
    const attribution = "On Wed, 30 Apr 2025 at 15:19, Shop &lt;shop@a.test&gt; wrote:";
    expect(
      sanitizeHtmlBody(
        `<div>New</div><div class="gmail_quote"><div class="gmail_attr">${attribution}<br></div><blockquote class="gmail_quote">old</blockquote></div>`,
      ),
    ).toBe("<div>New</div>");
    expect(sanitizeHtmlBody(`<p>New</p><blockquote type="cite"><div>${attribution}</div>old</blockquote>`)).toBe(
      "<p>New</p>",
    );
  });

  it("keeps a quote the customer made on purpose (no attribution) and text below a quote", () => {
    const own = `<div>As you wrote:</div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex">free shipping</blockquote><div>Where is it?</div>`;
    expect(sanitizeHtmlBody(own)).toBe(own.replace(' class="gmail_quote" style="margin:0 0 0 .8ex"', ""));
    expect(
      sanitizeHtmlBody(
        `<div>Hi,</div><div>30.04.2025, 15:19, "Shop" &lt;shop@a.test&gt;:</div><blockquote><div>Which size?</div></blockquote><div>Size M please</div>`,
      ),
    ).toBe("<div>Hi,</div><div>Size M please</div>");
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

  it("keeps a deeply nested body whole instead of failing on it", () => {
    const depth = 20_000;
    const html = "<div>".repeat(depth) + "hello" + "</div>".repeat(depth) + "<blockquote>mine</blockquote>";
    const clean = sanitizeHtmlBody(html);
    expect(clean).toContain("hello");
    expect(clean).toContain("<blockquote>mine</blockquote>");
  });
});
