import { describe, expect, it } from "vitest";
import { markdownToSafeHtml } from "./markdown-html.js";

describe("markdownToSafeHtml", () => {
  it("renders ordinary markdown", () => {
    expect(markdownToSafeHtml("**Bold** and `code`\nnext line\n\n- one\n- two")).toBe(
      "<p><strong>Bold</strong> and <code>code</code><br>next line</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n",
    );
  });

  it("shows raw HTML as the text it is", () => {
    expect(markdownToSafeHtml('<script>alert(1)</script>\n\nHi <b onclick="x">there</b>')).toBe(
      "&lt;script&gt;alert(1)&lt;/script&gt;\n\n<p>Hi &lt;b onclick=&quot;x&quot;&gt;there&lt;/b&gt;</p>\n",
    );
  });

  it("keeps web and mail links, opening outside the slider, and drops the rest to their text", () => {
    expect(markdownToSafeHtml('[site](https://a.example/x?y=1&z="2" "T<")')).toBe(
      '<p><a href="https://a.example/x?y=1&amp;z=%222%22" title="T&lt;" target="_blank" rel="noopener noreferrer">site</a></p>\n',
    );
    expect(markdownToSafeHtml("[mail](mailto:a@b.example)")).toContain('href="mailto:a@b.example"');
    for (const href of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,x",
      "vbscript:x",
      "/relative",
      "//evil.example/x",
    ]) {
      expect(markdownToSafeHtml(`[go](${href})`), href).toBe("<p>go</p>\n");
    }
    expect(markdownToSafeHtml("<https://auto.example>")).toContain('href="https://auto.example/"');
  });

  it("shows an image as its description, loading nothing", () => {
    expect(markdownToSafeHtml('![a "pic"](https://t.example/p.png)')).toBe("<p>a &quot;pic&quot;</p>\n");
  });

  it("draws a task list's boxes as characters, not as form controls", () => {
    expect(markdownToSafeHtml("- [x] done\n- [ ] open")).not.toContain("<input");
  });

  it("still shows a text too deeply nested to render, as plain text", () => {
    const deep = `${">".repeat(20000)} deep <b>`;
    const out = markdownToSafeHtml(deep);
    expect(out).not.toContain("<b>");
    expect(out).toContain("deep &lt;b&gt;");
  });
});
