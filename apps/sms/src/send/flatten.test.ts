import { describe, expect, it } from "vitest";
import { contentToPlainText } from "./flatten.js";

describe("flattening markdown and HTML", () => {
  it("keeps links as URLs and drops formatting from markdown", () => {
    const text = contentToPlainText({
      format: "markdown",
      text: "# Order shipped\n\n**Tracking:** see [the carrier](https://track.test/a?b=1&c=2) or https://x.test\n\n- one\n- two",
    });
    expect(text).toBe(
      "Order shipped\n\nTracking: see the carrier (https://track.test/a?b=1&c=2) or https://x.test\n\n• one\n• two",
    );
  });

  it("turns HTML into text, decoding entities and dropping scripts", () => {
    const text = contentToPlainText({
      format: "html",
      text: '<p>Hi <b>Ann</b> &amp; co, <a href="https://z.test">pay here</a></p><p><a href="https://q.test">https://q.test</a></p><script>alert(1)</script>',
    });
    expect(text).toBe("Hi Ann & co, pay here (https://z.test)\n\nhttps://q.test");
  });

  it("leaves plain text as it is, trimmed", () => {
    expect(contentToPlainText({ format: "text", text: "  *not* <b>markup</b>\r\n\n\n\nbye  " })).toBe(
      "*not* <b>markup</b>\n\nbye",
    );
  });
});
