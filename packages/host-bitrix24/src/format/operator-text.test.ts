import fc from "fast-check";
import { Marked } from "marked";
import { describe, expect, it } from "vitest";
import { bestFormat, operatorTextToChannel, parseBbcode, splitSignature } from "./index.js";

const html = (t: string) => operatorTextToChannel(t, ["text", "markdown", "html"]).text;
const md = (t: string) => operatorTextToChannel(t, ["text", "markdown"]).text;
const text = (t: string) => operatorTextToChannel(t, ["text"]).text;
/** Markdown as a chat gateway renders it (the Telegram gateway's marked options). */
const markdownToHtml = (m: string) => new Marked({ gfm: true, breaks: true, async: false }).parse(m) as string;

describe("splitSignature", () => {
  it("finds the NEED_SIGNATURE prefix in its documented and observed spellings", () => {
    expect(splitSignature("[b]Klaus Weber:[/b] [br]Guten Tag!")).toEqual({
      signature: "Klaus Weber",
      body: "Guten Tag!",
    });
    expect(splitSignature("[B]Анна Петрова:[/B][BR]Здравствуйте")).toEqual({
      signature: "Анна Петрова",
      body: "Здравствуйте",
    });
    expect(splitSignature("[b]O'Neil-Smith Jr.:[/b]\nHi")).toEqual({ signature: "O'Neil-Smith Jr.", body: "Hi" });
  });

  it("leaves bold text that is not a signature alone", () => {
    expect(splitSignature("[b]Important:[/b] the office is closed").signature).toBeUndefined();
    expect(splitSignature("Hello [b]Klaus:[/b][br]x").signature).toBeUndefined();
    expect(splitSignature("").signature).toBeUndefined();
  });
});

describe("operatorTextToChannel", () => {
  it("keeps the signature as a bold line, or strips it on request", () => {
    expect(operatorTextToChannel("[b]Klaus Weber:[/b] [br]Guten Tag!", ["text", "html"])).toEqual({
      text: "<b>Klaus Weber:</b><br>Guten Tag!",
      format: "html",
      signature: "Klaus Weber",
    });
    expect(
      operatorTextToChannel("[b]Klaus Weber:[/b] [br]Guten Tag!", ["text", "html"], { signature: "strip" }),
    ).toEqual({
      text: "Guten Tag!",
      format: "text",
      signature: "Klaus Weber",
    });
    expect(md("[b]Анна Петрова:[/b][br]Здравствуйте! Ваш заказ №123 [i]готов[/i] 🎉")).toBe(
      "**Анна Петрова:**\nЗдравствуйте! Ваш заказ №123 *готов* 🎉",
    );
    expect(text("[b]Анна:[/b][br]Привет 👋")).toBe("Анна:\nПривет 👋");
  });

  it("sends plain replies as text whatever the gateway takes, with no escaping", () => {
    expect(operatorTextToChannel("Price: 5 * 3 = 15_000 <ok> & #1", ["markdown", "html"])).toEqual({
      text: "Price: 5 * 3 = 15_000 <ok> & #1",
      format: "text",
      signature: undefined,
    });
  });

  it("picks html, then markdown, then text", () => {
    expect(bestFormat(["text", "markdown", "html"])).toBe("html");
    expect(bestFormat(["markdown", "text"])).toBe("markdown");
    expect(bestFormat(["text"])).toBe("text");
    expect(bestFormat([])).toBe("text");
  });

  it("renders every emphasis code, case-insensitively", () => {
    const bb = "[b]b[/b] [I]i[/I] [u]u[/u] [s]s[/s]";
    expect(html(bb)).toBe("<b>b</b> <i>i</i> <u>u</u> <s>s</s>");
    expect(md(bb)).toBe("**b** *i* u ~~s~~");
    expect(text(bb)).toBe("b i u s");
  });

  it("closes misnested codes where the outer one ends and drops stray closers, keeping every word", () => {
    expect(html("[b]bold [i]both[/b] after[/i] tail")).toBe("<b>bold <i>both</i></b> after tail");
    expect(html("text[/b] more[/url]")).toBe("text more");
    expect(md("[b]bold [i]both[/b] after[/i] tail")).toBe("**bold *both*** after tail");
    expect(markdownToHtml(md("[b]bold [i]both[/b] after[/i] tail"))).toContain(
      "<strong>bold <em>both</em></strong> after tail",
    );
  });

  it("shows an opening code that is never closed as typed, as Bitrix does", () => {
    expect(html("[b]unclosed and [u]under[/u]")).toBe("[b]unclosed and <u>under</u>");
    expect(md("[b]unclosed [i]nested [s]x[/s]")).toBe("\\[b\\]unclosed \\[i\\]nested ~~x~~");
    expect(markdownToHtml(md("[b]unclosed [i]nested [s]x[/s]"))).toBe("<p>[b]unclosed [i]nested <del>x</del></p>\n");
    expect(operatorTextToChannel("[b]unclosed", ["html"])).toEqual({
      text: "[b]unclosed",
      format: "text",
      signature: undefined,
    });
    expect(text("[url=https://x.y]never closed")).toBe("[url=https://x.y]never closed");
  });

  it("keeps unknown codes as text and the words of codes channels cannot show", () => {
    expect(
      html("[user=12]John[/user], [size=20]big[/size] [color=#f00]red[/color] [foo]bar[/foo] [send=/help]Help[/send]"),
    ).toBe("John, big red [foo]bar[/foo] Help");
    expect(text("call [call=+79991234567]me[/call] or [call]+49 30 1234[/call]")).toBe(
      "call me (+79991234567) or +49 30 1234",
    );
    expect(
      text("[icon=https://x/i.png size=30 title=Unicorn] [timestamp=1645844720 format=SHORT_TIME_FORMAT] [disk=5]"),
    ).toBe("Unicorn 2022-02-26 03:05 UTC [disk=5]");
  });

  it("turns links into links only for safe schemes, and never loses their target", () => {
    const bb = "see [url=https://ex.com/a_b?x=1&y=2]our site[/url] or [url]https://ex.com/docs[/url]";
    expect(html(bb)).toBe(
      'see <a href="https://ex.com/a_b?x=1&amp;y=2">our site</a> or <a href="https://ex.com/docs">https://ex.com/docs</a>',
    );
    expect(md(bb)).toBe("see [our site](<https://ex.com/a_b?x=1&y=2>) or <https://ex.com/docs>");
    expect(markdownToHtml(md(bb))).toMatch(/<a href="https:\/\/ex\.com\/a_b\?x=1&(amp;)?y=2">our site<\/a>/);
    expect(text(bb)).toBe("see our site (https://ex.com/a_b?x=1&y=2) or https://ex.com/docs");
    expect(html("[url=javascript:alert(1)]click[/url]")).toBe("click (javascript:alert(1))");
    expect(html('[url="https://q.example/"]quoted[/url] [url=mailto:a@b.c]mail[/url]')).toBe(
      '<a href="https://q.example/">quoted</a> <a href="mailto:a@b.c">mail</a>',
    );
    expect(html("[url=www.example.com]site[/url]")).toBe("site (www.example.com)");
  });

  it("renders >> quote lines and the ------ quote block Bitrix writes", () => {
    expect(html(">>quoted line\n>>second\nreply")).toBe("<blockquote>quoted line<br>second</blockquote>reply");
    expect(md(">>quoted line\n>>second\nreply")).toBe("> quoted line\n> second\n\nreply");
    const block =
      "------------------------------------------------------\nIvan [12.03.2024]\nold text\n------------------------------------------------------\nmy answer";
    expect(html(block)).toBe("<blockquote>Ivan [12.03.2024]<br>old text</blockquote>my answer");
    expect(text(block)).toBe("> Ivan [12.03.2024]\n> old text\nmy answer");
    expect(text("[quote]Q[/quote]after")).toBe("> Q\nafter");
    expect(html("a line\n------\nnot a block")).toBe("a line\n------\nnot a block");
  });

  it("keeps [code] content raw, BB-codes inside included", () => {
    const bb = "[code]const a = [1,2];\n[b]not bold[/b] <x>[/code] after";
    expect(html(bb)).toBe("<pre>const a = [1,2];\n[b]not bold[/b] &lt;x&gt;</pre> after");
    expect(md("[code]x ``` y[/code]")).toBe("````\nx ``` y\n````");
    expect(text(bb)).toBe("const a = [1,2];\n[b]not bold[/b] <x>\n after");
  });

  it("decodes the entities Bitrix keeps and escapes them again for HTML", () => {
    expect(text("&quot;Quotes&quot; &amp; &lt;tags&gt; &#039;x&#039; &#x1F600; &copy;")).toBe(
      "\"Quotes\" & <tags> 'x' 😀 &copy;",
    );
    expect(html("[b]&lt;script&gt;alert(1)&lt;/script&gt;[/b]")).toBe("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
  });

  it("escapes markdown so operator characters stay characters", () => {
    const bb = "[b]x[/b] 5 * 3 = 15_000, a_b `c` [1] #tag ~tilde~ |pipe| &amp;copy; https://ex.com/a_b_c.";
    const out = md(bb);
    expect(out).toBe(
      "**x** 5 \\* 3 = 15\\_000, a\\_b \\`c\\` \\[1\\] #tag \\~tilde\\~ \\|pipe\\| \\&copy; <https://ex.com/a_b_c>.",
    );
    expect(markdownToHtml(out)).toBe(
      '<p><strong>x</strong> 5 * 3 = 15_000, a_b `c` [1] #tag ~tilde~ |pipe| &amp;copy; <a href="https://ex.com/a_b_c">https://ex.com/a_b_c</a>.</p>\n',
    );
    expect(markdownToHtml(md("[i]x[/i][br]1. not a list[br]- nor this[br]# nor a heading[br]> nor a quote"))).toBe(
      "<p><em>x</em><br>1. not a list<br>- nor this<br># nor a heading<br>&gt; nor a quote</p>\n",
    );
  });

  it("keeps emphasis valid markdown when it starts or ends with spaces", () => {
    expect(md("[b] spaced [/b]word")).toBe(" **spaced** word");
    expect(md("[b][/b]empty")).toBe("empty");
  });

  it("never loses a word, whatever the markup around it", () => {
    const word = fc.stringMatching(/^[A-Za-zА-Яа-я0-9]{1,8}$/);
    const markup = fc.constantFrom(
      "[b]",
      "[/b]",
      "[i]",
      "[/i]",
      "[u]",
      "[/u]",
      "[s]",
      "[/s]",
      "[url=https://e.x/]",
      "[url]",
      "[/url]",
      "[br]",
      "\n",
      "[quote]",
      "[/quote]",
      "[code]",
      "[/code]",
      ">>",
      "[size=9]",
      "[/size]",
      "[foo]",
      " * ",
      " _ ",
      "&amp;",
      "[",
      "]",
      "🎉",
    );
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
          const words = parts.flatMap((p) => (typeof p === "string" ? [] : [p.w]));
          const outputs = [
            text(input),
            html(input).replace(/<[^>]+>/g, " "),
            markdownToHtml(md(input)).replace(/<[^>]+>/g, " "),
          ];
          for (const out of outputs) for (const w of words) expect(out).toContain(w);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("parses to a tree that tests can reason about", () => {
    expect(parseBbcode("[b]a[i]b[/i][/b][br]c")).toEqual([
      {
        type: "emphasis",
        emphasis: "bold",
        children: [
          { type: "text", text: "a" },
          { type: "emphasis", emphasis: "italic", children: [{ type: "text", text: "b" }] },
        ],
      },
      { type: "break" },
      { type: "text", text: "c" },
    ]);
    expect(parseBbcode("\nline")).toEqual([{ type: "break" }, { type: "text", text: "line" }]);
  });
});
