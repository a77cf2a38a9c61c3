import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customerTextToBbcode, escapeBbcode, parseBbcode, plainTextOf } from "./index.js";

const ZWSP = "\u200b";
/** What the operator reads: the BB text as Bitrix renders it, without the invisible joiners. */
const seen = (bb: string) => plainTextOf(parseBbcode(bb)).replaceAll(ZWSP, "");

describe("escapeBbcode (plain customer text)", () => {
  it("shows exactly what the customer typed, BB-codes included, and formats nothing", () => {
    const typed = "[b]hi[/b] [URL=https://evil.example]click[/URL] [user=1]boss[/user] [code]x[/code]";
    const bb = escapeBbcode(typed);
    expect(parseBbcode(bb).every((node) => node.type === "text")).toBe(true);
    expect(seen(bb)).toBe(typed);
  });

  it("neutralises quote lines and quote blocks but keeps other brackets and dashes untouched", () => {
    const typed = ">>not a quote\n  >>nor this\n------\n-------\nprices [1] [ 2 ] a[0] -- ok >> fine";
    const bb = escapeBbcode(typed);
    expect(parseBbcode(bb).some((node) => node.type === "quote")).toBe(false);
    expect(seen(bb)).toBe(typed);
    expect(bb).toContain("prices [1] [ 2 ] a[0] -- ok >> fine");
  });

  it("keeps Cyrillic, emoji, URLs and line breaks", () => {
    const typed = "Здравствуйте! 👋🏽 Заказ https://shop.example/o?id=1&x=[2]\r\nСпасибо";
    expect(seen(escapeBbcode(typed))).toBe(typed.replace("\r\n", "\n"));
    expect(escapeBbcode(typed)).toContain("Здравствуйте! 👋🏽");
  });
});

describe("customerTextToBbcode", () => {
  it("treats text and unknown formats as plain text", () => {
    expect(customerTextToBbcode("[b]x[/b]", "text")).toBe(`[${ZWSP}b]x[${ZWSP}/b]`);
    expect(customerTextToBbcode("[b]x[/b]", "rtf")).toBe(`[${ZWSP}b]x[${ZWSP}/b]`);
  });

  it("converts markdown emphasis, links, lists, quotes and code, escaping the words", () => {
    const markdown =
      "**bold** _it_ ~~gone~~ [link](https://a.b/c) `code [b]` <b>raw</b>\n> quoted\n\n- one\n- two\n\n1. first\n\n```\n[b]x[/b]\n```\n# Title";
    const bb = customerTextToBbcode(markdown, "markdown");
    expect(bb).toContain("[b]bold[/b] [i]it[/i] [s]gone[/s] [url=https://a.b/c]link[/url]");
    expect(bb).toContain(`code [${ZWSP}b]`);
    expect(bb).toContain("<b>raw</b>");
    expect(bb).toContain("• one\n• two");
    expect(bb).toContain("1. first");
    expect(bb).toContain(`[code][${ZWSP}b]x[${ZWSP}/b][/code]`);
    expect(bb).toContain("[b]Title[/b]");
    const tree = parseBbcode(bb);
    expect(tree.some((n) => n.type === "quote" && plainTextOf(n.children).includes("quoted"))).toBe(true);
  });

  it("keeps a markdown link's target when it is not one we link", () => {
    expect(customerTextToBbcode("[click](javascript:alert(1))", "markdown")).toBe("click (javascript:alert(1))");
  });

  it("converts HTML mail: emphasis, links, paragraphs, lists, quotes, pre; drops scripts and styles", () => {
    const mail =
      "<html><head><style>p{color:red}</style><title>t</title></head><body>" +
      "<p>Hello <b>World</b> &amp; <a href='https://x.y/'>link</a></p>" +
      "<blockquote>old <i>reply</i></blockquote>" +
      "<ul><li>one</li><li>two</li></ul><ol start='3'><li>three</li></ol>" +
      "<pre>[b]code[/b]\n  indented</pre>" +
      "<script>evil()</script><p>[b]inj[/b]<br>line2<img src='x' alt='photo'></p>" +
      "<table><tr><td>a</td><td>b</td></tr></table><a href='javascript:x()'>bad</a></body></html>";
    const bb = customerTextToBbcode(mail, "html");
    expect(bb).toContain("Hello [b]World[/b] & [url=https://x.y/]link[/url]");
    expect(bb).toContain("• one\n• two");
    expect(bb).toContain("3. three");
    expect(bb).toContain(`[code][${ZWSP}b]code[${ZWSP}/b]\n  indented[/code]`);
    expect(bb).toContain(`[${ZWSP}b]inj[${ZWSP}/b]\nline2photo`);
    expect(bb).toContain("a | b");
    expect(bb).not.toContain("evil");
    expect(bb).not.toContain("color:red");
    expect(bb).toContain("bad");
    expect(bb).not.toContain("javascript");
    const quote = parseBbcode(bb).find((n) => n.type === "quote");
    expect(quote && plainTextOf(quote.type === "quote" ? quote.children : [])).toBe(
      "old [i]reply[/i]".replace(/\[\/?i\]/g, ""),
    );
  });

  it("collapses HTML whitespace as a browser would", () => {
    expect(customerTextToBbcode("<div>\n  Hello\n   world  </div>\n<div>next</div>", "html")).toBe("Hello world\nnext");
  });
});

describe("customer text never loses a word", () => {
  it("keeps the words of a code fence's info string (`~~~~ word` opens a fence)", () => {
    // Found by the property test below: the seed ["~~", "~~", {w: "а"}].
    expect(seen(customerTextToBbcode("~~~~ а ", "markdown"))).toContain("а");
    expect(seen(customerTextToBbcode("```js tail\nlet x\n```", "markdown"))).toMatch(/js tail[\s\S]*let x/);
  });

  const word = fc.stringMatching(/^[A-Za-zА-Яа-я0-9]{1,8}$/);
  const run = (markup: fc.Arbitrary<string>, format: string) =>
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            word.map((w) => ({ w })),
            markup,
          ),
          { maxLength: 30 },
        ),
        (parts) => {
          const input = parts.map((p) => (typeof p === "string" ? p : ` ${p.w} `)).join("");
          const out = seen(customerTextToBbcode(input, format));
          for (const p of parts) if (typeof p !== "string") expect(out).toContain(p.w);
        },
      ),
      { numRuns: 300 },
    );

  it("in HTML, whatever the tags around the words", () => {
    run(
      fc.constantFrom(
        "<b>",
        "</b>",
        "<i>",
        "<p>",
        "</p>",
        "<br>",
        "<a href='https://x.y/'>",
        "<a href='javascript:x'>",
        "</a>",
        "<div>",
        "<li>",
        "<ul>",
        "</ul>",
        "<blockquote>",
        "</blockquote>",
        "<pre>",
        "</pre>",
        "&amp;",
        "<",
        ">",
        "[b]",
        "<img alt='pic'>",
        "<table><tr><td>",
      ),
      "html",
    );
  });

  it("in markdown, whatever the markup around the words", () => {
    run(
      fc.constantFrom(
        "**",
        "*",
        "_",
        "~~",
        "`",
        "```\n",
        "\n",
        "\n\n",
        "> ",
        "- ",
        "1. ",
        "# ",
        "[",
        "](https://x.y/)",
        "<b>",
        "[b]",
        "---\n",
        "|",
        "\\",
      ),
      "markdown",
    );
  });
});
