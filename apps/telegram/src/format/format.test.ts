import { parseTelegramHtml } from "@switchboard/testkit/telegram";
import { describe, expect, it } from "vitest";
import { formatContent, renderForApi } from "./format-content.js";
import { toPlainText, toTelegramHtml } from "./segments.js";
import { splitSegments } from "./split.js";

/** Formats and renders, asserting Telegram would parse the result; returns HTML and visible text. */
function render(text: string, format: "text" | "markdown" | "html") {
  const { segments, html } = formatContent({ text, format });
  const api = renderForApi(segments, html);
  if (html) {
    const parsed = parseTelegramHtml(api.text);
    if (!parsed.ok) throw new Error(`${parsed.description}\n${api.text}`);
    expect(parsed.text).toBe(toPlainText(segments));
  }
  return { html: api.text, visible: toPlainText(segments), parseMode: api.parse_mode };
}

describe("formatting", () => {
  it("sends text verbatim without a parse mode", () => {
    const out = render("  a < b & c *not bold* _x_ <b>no</b>  ", "text");
    expect(out).toEqual({
      html: "a < b & c *not bold* _x_ <b>no</b>",
      visible: "a < b & c *not bold* _x_ <b>no</b>",
      parseMode: undefined,
    });
  });

  it("converts markdown to Telegram HTML", () => {
    const out = render("**Bold** and _it_ and `a<b>` and [link](https://x.test/?a=1&b=2)\n\n~~gone~~", "markdown");
    expect(out.html).toBe(
      '<b>Bold</b> and <i>it</i> and <code>a&lt;b&gt;</code> and <a href="https://x.test/?a=1&amp;b=2">link</a>\n\n<s>gone</s>',
    );
    expect(out.parseMode).toBe("HTML");
  });

  it("keeps markdown structure readable: headings, lists, quotes, code blocks, line breaks", () => {
    const md =
      "# Title\nfirst line\nsecond line\n\n- one\n- two\n\n1. a\n2. b\n\n> quoted\n\n```js\nif (a < b && c) {}\n```";
    const out = render(md, "markdown");
    expect(out.visible).toBe(
      "Title\n\nfirst line\nsecond line\n\n• one\n• two\n\n1. a\n2. b\n\nquoted\n\nif (a < b && c) {}",
    );
    expect(out.html).toContain("<b>Title</b>");
    expect(out.html).toContain('<pre><code class="language-js">if (a &lt; b &amp;&amp; c) {}</code></pre>');
    expect(out.html).toContain("<blockquote>quoted</blockquote>\n\n<pre>");
  });

  it("never fails on nasty characters in markdown", () => {
    for (const md of [
      "a * b _ c",
      "5 < 6 & 7 > 3",
      "<script>alert(1)</script>x",
      "**unclosed",
      "_",
      "[a](javascript:alert(1))",
      "<notatag> & more",
      "&amp; &lt;",
    ]) {
      expect(() => render(md, "markdown"), md).not.toThrow();
    }
    expect(render("[a](javascript:alert(1))", "markdown").html).toBe("a");
    expect(render("<script>alert(1)</script>x", "markdown").visible).toBe("<script>alert(1)</script>x");
    expect(render("I <3 you, <dolor> & <u>under</u>", "markdown").html).toBe(
      "I &lt;3 you, &lt;dolor&gt; &amp; <u>under</u>",
    );
  });

  it("writes mailto: and tel: links out as plain addresses, once", () => {
    expect(render('<b><a href="mailto:a@b.c?subject=x">Mail</a></b> <a href="tel:+1">  </a>', "html")).toMatchObject({
      html: "<b>Mail (a@b.c)</b> +1",
      visible: "Mail (a@b.c) +1",
    });
    expect(render('<a href="tel:+44%2020%207946">+44 (20) 7946</a> <a href="mailto:%zz">x</a>', "html").visible).toBe(
      "+44 (20) 7946 x (%zz)",
    );
    expect(render('<img src="mailto:a@b.c" alt="logo">', "html").html).toBe("logo");
  });

  it("reduces HTML to Telegram's tags and strips everything else to text", () => {
    const out = render(
      '<div><h2>Hi</h2><p>Dear <strong>Ann</strong>, <span style="color:red">see</span> <em>this</em> &amp; <u>that</u>.</p>' +
        '<p><a href="https://x.test">site</a> <a href="javascript:x">bad</a> <img src="https://x.test/i.png" alt="pic"></p>' +
        '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table><span class="tg-spoiler">secret</span>' +
        "<style>p{}</style><pre><b>x</b> &lt; y</pre></div>",
      "html",
    );
    expect(out.html).toBe(
      '<b>Hi</b>\n\nDear <b>Ann</b>, see <i>this</i> &amp; <u>that</u>.\n\n<a href="https://x.test">site</a> bad <a href="https://x.test/i.png">pic</a>' +
        "\n\na | b\n1 | 2\n\n<tg-spoiler>secret</tg-spoiler>\n\n<pre>x &lt; y</pre>",
    );
  });

  it("treats tags named like Object's own properties as unknown tags", () => {
    const out = render("<constructor>a</constructor> <toString>b</toString> <valueOf>c</valueOf> <b>d</b>", "html");
    expect(out.html).toBe("a b c <b>d</b>");
  });

  it("survives broken HTML: unclosed, misnested and stray tags", () => {
    for (const html of [
      "<b>open",
      "<b><i>x</b></i>",
      "</p>stray",
      "a < b",
      "<a href='https://x.test'><a href='https://y.test'>n</a></a>",
      "<code><b>x</b></code>",
      "<blockquote><blockquote>q</blockquote></blockquote>",
    ]) {
      expect(() => render(html, "html"), html).not.toThrow();
    }
    expect(render("a < b & c", "html").html).toBe("a &lt; b &amp; c");
  });
});

describe("splitting", () => {
  it("splits a 10 000-character message on paragraph boundaries into parts Telegram accepts", () => {
    const paragraph = (n: number) => `**Paragraph ${n}** ` + "lorem ipsum <dolor> & sit amet ".repeat(30);
    const md = Array.from({ length: 12 }, (_, i) => paragraph(i)).join("\n\n");
    const { segments, html } = formatContent({ text: md, format: "markdown" });
    expect(toPlainText(segments).length).toBeGreaterThan(10_000);
    const parts = splitSegments(segments);
    expect(parts.length).toBe(3);
    for (const part of parts) {
      const parsed = parseTelegramHtml(renderForApi(part, html).text);
      if (!parsed.ok) throw new Error(parsed.description);
      expect(parsed.text.length).toBeLessThanOrEqual(4096);
      // Each part starts at a paragraph start.
      expect(parsed.text).toMatch(/^Paragraph \d+ /);
    }
    const rejoined = parts.map((p) => toPlainText(p)).join("\n\n");
    expect(rejoined).toBe(toPlainText(segments));
  });

  it("closes and reopens an entity cut by a split, and falls back to words then hard cuts", () => {
    const bold = [{ text: "word ".repeat(2000).trim(), tags: [{ name: "b" as const }] }];
    const parts = splitSegments(bold, 4096);
    expect(parts.length).toBe(3);
    for (const part of parts) {
      const html = toTelegramHtml(part);
      expect(html.startsWith("<b>") && html.endsWith("</b>")).toBe(true);
      expect(parseTelegramHtml(html).ok).toBe(true);
      expect(toPlainText(part)).toMatch(/^word( word)*$/);
    }
    const solid = splitSegments([{ text: "😀".repeat(3000), tags: [] }], 4096);
    expect(solid.map((p) => toPlainText(p).length)).toEqual([4096, 1904]);
    expect(solid.map((p) => toPlainText(p)).join("")).toBe("😀".repeat(3000));
    const odd = splitSegments([{ text: "x" + "😀".repeat(3000), tags: [] }], 4096);
    expect(odd.every((p) => !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(toPlainText(p)))).toBe(true);
  });
});
