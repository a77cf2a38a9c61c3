import { ChannelNetworkError, ChannelRefusedError, InvalidInputError, isRetryable } from "@switchboard/core";
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { redactToken } from "../bot/redact.js";
import { contactOf, parseContact } from "../contact/contact.js";
import { toSendError } from "./errors.js";
import { partsOf, planMessage } from "./plan.js";

const TOKEN = "123456:AAsecret-part-of-the-token";

function grammyError(error_code: number, description: string, parameters: Record<string, number> = {}) {
  return new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code, description, parameters },
    "sendMessage",
    {},
  );
}

describe("contacts", () => {
  it.each([
    ["tg://user?id=42", 42],
    ["tg://chat?id=-100123456", -100123456],
    ["TG://USER?ID=7", 7],
    ["  123  ", 123],
    ["-987", -987],
    ["@acme_channel", "@acme_channel"],
  ])("%s → %s", (contact, chatId) => expect(parseContact(contact)).toBe(chatId));

  it.each([
    "tg://user?id=-5",
    "tg://chat?id=0",
    "tg://user?id=abc",
    "@abc",
    "https://t.me/acme",
    "+15551234567",
    "",
    "tg://resolve?domain=x",
  ])("rejects %j as invalid input", (contact) => expect(() => parseContact(contact)).toThrow(InvalidInputError));

  it("names private chats by user and groups by chat", () => {
    expect(contactOf({ id: 5, type: "private" })).toBe("tg://user?id=5");
    expect(contactOf({ id: -100, type: "supergroup" })).toBe("tg://chat?id=-100");
  });
});

describe("error classification", () => {
  it("turns 429 into a retry after retry_after seconds", () => {
    const error = toSendError(grammyError(429, "Too Many Requests: retry after 7", { retry_after: 7 }), TOKEN);
    expect(error).toBeInstanceOf(ChannelRefusedError);
    expect(isRetryable(error)).toBe(true);
    expect((error as ChannelRefusedError).retryAfterMs).toBe(7000);
  });

  it("treats 4xx as permanent and 5xx as retryable", () => {
    expect(isRetryable(toSendError(grammyError(403, "Forbidden: bot was blocked by the user"), TOKEN))).toBe(false);
    expect(isRetryable(toSendError(grammyError(400, "Bad Request: chat not found"), TOKEN))).toBe(false);
    expect(isRetryable(toSendError(grammyError(500, "Internal Server Error"), TOKEN))).toBe(true);
    expect(isRetryable(toSendError(grammyError(502, "Bad Gateway"), TOKEN))).toBe(true);
  });

  it("keeps the token out of network error messages and drops the cause that holds the URL", () => {
    const inner = new Error(`request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed, reason: ECONNREFUSED`);
    const error = toSendError(
      new HttpError(`Network request for 'sendMessage' failed! ${inner.message}`, inner),
      TOKEN,
    );
    expect(error).toBeInstanceOf(ChannelNetworkError);
    expect(error.message).not.toContain("secret-part");
    expect(error.cause).toBeUndefined();
  });

  it("redacts whole tokens and their secret half", () => {
    expect(redactToken(`a ${TOKEN} b AAsecret-part-of-the-token c`, TOKEN)).toBe("a <bot-token> b <bot-token> c");
  });
});

describe("planning", () => {
  it("refuses a message that formats to nothing", () => {
    expect(() => planMessage({ content: { text: "<img>", format: "html" }, attachments: [] })).toThrow(
      InvalidInputError,
    );
  });

  it("puts a short text as the caption of the first media item", () => {
    const steps = planMessage({
      content: { text: "hi", format: "text" },
      attachments: [
        { name: "a.pdf", uri: "https://x.test/a", type: "file" },
        { name: "b.jpg", uri: "https://x.test/b", type: "image" },
      ],
    });
    expect(steps.map((s) => [s.kind, s.kind === "text" ? undefined : s.caption?.[0]?.text])).toEqual([
      ["file", "hi"],
      ["file", undefined],
    ]);
    expect(steps[0]?.kind === "file" && steps[0].attachment.name).toBe("b.jpg");
  });

  it("gives each step as many parts as the messages Telegram makes of it: one per image of an album", () => {
    const image = (i: number) => ({ name: `${i}.jpg`, uri: `https://x.test/${i}`, type: "image" as const });
    const steps = planMessage({
      content: { text: "x".repeat(5000), format: "text" },
      attachments: [
        ...Array.from({ length: 12 }, (_, i) => image(i)),
        { name: "v.ogg", uri: "https://x.test/v", type: "voice" },
      ],
    });
    expect(steps.map((s) => [s.kind, partsOf(s)])).toEqual([
      ["text", 1],
      ["text", 1],
      ["album", 10],
      ["album", 2],
      ["file", 1],
    ]);
  });
});
