import { describe, expect, it } from "vitest";
import { parseChatMessage, SEND_ERRORS } from "./chat-message.js";

describe("parseChatMessage", () => {
  it("trims text, defaults optional fields and keeps numeric ids as strings", () => {
    const parsed = parseChatMessage({
      chat: { id: 5, contact: "tg://user?id=1" },
      message: { id: 9, content: { text: "  hi  ", format: "html" } },
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        chat: { id: "5", contact: "tg://user?id=1", subject: null },
        message: { id: "9", content: { text: "hi", format: "html" }, attachments: [] },
      },
    });
  });

  it("accepts attachments without content", () => {
    expect(
      parseChatMessage({
        chat: { contact: "x" },
        message: { content: null, attachments: [{ name: "a.pdf", uri: "https://f/a.pdf", type: "file" }] },
      }).ok,
    ).toBe(true);
    expect(parseChatMessage("nonsense")).toEqual({ ok: false, error: SEND_ERRORS.unparsable });
  });

  const file = { name: "a.pdf", uri: "https://f/a.pdf", type: "file" };
  it.each([{}, [], "", false, 0, "0", null, undefined])(
    "content %j is no content, as PHP's if ($content) reads it",
    (content) => {
      const withFile = parseChatMessage({ chat: { contact: "x" }, message: { content, attachments: [file] } });
      expect(withFile).toMatchObject({ ok: true, value: { message: { content: null, attachments: [file] } } });
      expect(parseChatMessage({ chat: { contact: "x" }, message: { content, attachments: [] } })).toEqual({
        ok: false,
        error: SEND_ERRORS.noContent,
      });
      expect(parseChatMessage({ chat: { contact: "x" }, message: { attachments: [file] } }).ok).toBe(true);
    },
  );

  it.each([["hello"], [true], [{ text: 5, format: "text" }], [{ text: "hi" }]])(
    "content %j that is not {text, format} cannot be parsed",
    (content) => {
      expect(parseChatMessage({ chat: { contact: "x" }, message: { content } })).toEqual({
        ok: false,
        error: SEND_ERRORS.unparsable,
      });
    },
  );

  it("sends an unknown format as plain text and says which it was", () => {
    expect(parseChatMessage({ chat: { contact: "x" }, message: { content: { text: "a", format: "rtf" } } })).toEqual({
      ok: true,
      value: {
        chat: { id: null, contact: "x", subject: null },
        message: { id: null, content: { text: "a", format: "text" }, attachments: [] },
      },
      unknownFormat: "rtf",
    });
    expect(
      parseChatMessage({ chat: { contact: "x" }, message: { content: { text: "a", format: "markdown" } } }),
    ).not.toHaveProperty("unknownFormat");
  });
});
