import { describe, expect, it } from "vitest";
import { negotiateLanguage } from "../i18n.js";
import { parseChatMessage, SEND_ERRORS } from "./chat.js";

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

  it("accepts attachments without content and rejects unknown formats", () => {
    expect(
      parseChatMessage({
        chat: { contact: "x" },
        message: { content: null, attachments: [{ name: "a.pdf", uri: "https://f/a.pdf", type: "file" }] },
      }).ok,
    ).toBe(true);
    expect(parseChatMessage({ chat: { contact: "x" }, message: { content: { text: "a", format: "rtf" } } })).toEqual({
      ok: false,
      error: SEND_ERRORS.unparsable,
    });
    expect(parseChatMessage("nonsense")).toEqual({ ok: false, error: SEND_ERRORS.unparsable });
  });
});

describe("negotiateLanguage", () => {
  it("uses only the first xx_YY token and ignores plain language codes", () => {
    expect(negotiateLanguage("ru_RU")).toBe("ru_RU");
    expect(negotiateLanguage("en, ru-RU")).toBe("ru_RU");
    expect(negotiateLanguage("de-DE, ru-RU")).toBe("en_US");
    expect(negotiateLanguage(undefined)).toBe("en_US");
  });
});
