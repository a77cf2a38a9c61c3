import { InvalidInputError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import {
  deliveryStatusItem,
  deliveryStatusParams,
  nameForBitrix,
  personName,
  readSendMessagesResult,
  sendMessagesItem,
  sendMessagesParams,
  undeliveredNotice,
  undeliveredNotification,
} from "./index.js";

describe("user.name rules", () => {
  it("keeps names that fit as they are, in any script", () => {
    expect(nameForBitrix("Anna-Maria O'Neil")).toBe("Anna-Maria O'Neil");
    expect(nameForBitrix("Анна Петрова")).toBe("Анна Петрова");
    expect(nameForBitrix("José Müller")).toBe("José Müller");
    expect(nameForBitrix("Nguyễn Thị Minh")).toBe("Nguyễn Thị Minh");
  });

  it("drops digits, emoji and punctuation, and returns nothing when no letter is left", () => {
    expect(nameForBitrix("🦄 Jane_Doe (@jane) 2")).toBe("Jane Doe jane");
    expect(nameForBitrix("+7 999 123-45-67")).toBeUndefined();
    expect(nameForBitrix("🦄🦄")).toBeUndefined();
    expect(nameForBitrix("")).toBeUndefined();
    expect(nameForBitrix(undefined)).toBeUndefined();
  });

  it("cuts at 25 characters without splitting a letter from its mark", () => {
    expect(nameForBitrix("Maximilian Alexander von Habsburg-Lothringen")).toBe("Maximilian Alexander von");
    const accented = "e\u0301".repeat(13); // 13 letters, 26 code units
    const out = nameForBitrix(accented)!;
    expect(out.length).toBeLessThanOrEqual(25);
    expect(out.normalize("NFC")).toBe("é".repeat(out.normalize("NFC").length));
    expect(nameForBitrix("Александр Константинович Победоносцев")!.length).toBeLessThanOrEqual(25);
  });

  it("says when the name had to change", () => {
    expect(personName("Anna", "Petrova")).toEqual({ name: "Anna", lastName: "Petrova", shortened: false });
    expect(personName("Jane_Doe 🦄")).toEqual({ name: "Jane Doe", lastName: undefined, shortened: true });
  });
});

describe("sendMessagesItem", () => {
  const date = new Date("2026-12-01T12:00:00.900Z");

  it("builds the documented element, dates in unix seconds", () => {
    expect(
      sendMessagesItem({
        user: {
          id: "tg-42",
          name: "Anna",
          lastName: "Petrova",
          phone: "+79991234567",
          pictureUrl: "https://gw/avatar/42",
        },
        chat: { id: "tg-42", url: "https://t.me/anna" },
        message: {
          id: "m-1",
          date,
          text: "Здравствуйте 👋",
          files: [{ url: "https://gw/f/1?sig=x", name: "photo.jpg" }],
        },
      }),
    ).toEqual({
      user: {
        id: "tg-42",
        name: "Anna",
        last_name: "Petrova",
        phone: "+79991234567",
        picture: { url: "https://gw/avatar/42" },
      },
      message: {
        id: "m-1",
        date: 1796126400,
        text: "Здравствуйте 👋",
        files: [{ url: "https://gw/f/1?sig=x", name: "photo.jpg" }],
      },
      chat: { id: "tg-42", url: "https://t.me/anna" },
    });
  });

  it("keeps the whole original name in chat.name when user.name had to be shortened", () => {
    const item = sendMessagesItem({
      user: { id: "u", name: "🦄 Jane_Doe (@jane) — VIP customer since 2019" },
      chat: { id: "c" },
      message: { id: "m", date, text: "hi" },
    });
    expect(item.user.name!.length).toBeLessThanOrEqual(25);
    expect(item.chat.name).toBe("🦄 Jane_Doe (@jane) — VIP customer since 2019");
    const named = sendMessagesItem({
      user: { id: "u", name: "x_1" },
      chat: { id: "c", name: "Telegram chat" },
      message: { id: "m", date, text: "hi" },
    });
    expect(named.chat.name).toBe("Telegram chat");
  });

  it("sends a file-only message without text, and refuses a message with neither", () => {
    const item = sendMessagesItem({
      user: { id: "u" },
      chat: { id: "c" },
      message: { id: "m", date, text: "  ", files: [{ url: "https://gw/f" }] },
    });
    expect(item.message).toEqual({ id: "m", date: 1796126400, files: [{ url: "https://gw/f" }] });
    expect(() =>
      sendMessagesItem({ user: { id: "u" }, chat: { id: "c" }, message: { id: "m", date, text: "" } }),
    ).toThrow(InvalidInputError);
  });

  it("puts several messages into one call", () => {
    const params = sendMessagesParams("switchboard_telegram", 7, [
      { user: { id: "a" }, chat: { id: "a" }, message: { id: "1", date, text: "one" } },
      { user: { id: "b" }, chat: { id: "b" }, message: { id: "2", date, text: "two" } },
    ]);
    expect(params.CONNECTOR).toBe("switchboard_telegram");
    expect(params.LINE).toBe(7);
    expect(params.MESSAGES.map((m) => m.message.text)).toEqual(["one", "two"]);
  });
});

describe("readSendMessagesResult", () => {
  it("reads one outcome per message, sessions included", () => {
    const result = {
      SUCCESS: true,
      DATA: {
        RESULT: [
          { user: "585", SUCCESS: true, session: { ID: "77", CHAT_ID: "1807" } },
          { user: "586", SUCCESS: false, ERRORS: ["IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA"] },
        ],
      },
    };
    expect(readSendMessagesResult(result, 3)).toEqual([
      { ok: true, error: undefined, bitrixUserId: "585", sessionId: "77", chatId: "1807" },
      {
        ok: false,
        error: '["IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA"]',
        bitrixUserId: "586",
        sessionId: undefined,
        chatId: undefined,
      },
      {
        ok: false,
        error: "Bitrix24 gave no result for this message",
        bitrixUserId: undefined,
        sessionId: undefined,
        chatId: undefined,
      },
    ]);
  });

  it("never counts a message as taken when the answer is not the expected shape", () => {
    for (const odd of [null, true, "ok", { DATA: [] }, { DATA: { RESULT: "x" } }]) {
      expect(readSendMessagesResult(odd, 1)[0]!.ok).toBe(false);
    }
  });
});

describe("deliveryStatusItem", () => {
  it("always sends message.id as an array", () => {
    const date = new Date("2026-12-01T12:00:00Z");
    expect(
      deliveryStatusItem({ im: { chatId: 1807, messageId: 86497 }, channelMessageIds: "tg-5", chatId: "tg-42", date }),
    ).toEqual({
      im: { chat_id: 1807, message_id: 86497 },
      message: { id: ["tg-5"], date: 1796126400 },
      chat: { id: "tg-42" },
    });
    expect(
      deliveryStatusItem({ im: { chatId: 1, messageId: 2 }, channelMessageIds: ["a", "b"], chatId: "c", date }).message
        .id,
    ).toEqual(["a", "b"]);
    expect(
      deliveryStatusItem({ im: { chatId: 1, messageId: 2 }, channelMessageIds: [], chatId: "c" }, () => date).message,
    ).toEqual({ id: [], date: 1796126400 });
    const params = deliveryStatusParams("c", 3, [
      { im: { chatId: 1, messageId: 2 }, channelMessageIds: "x", chatId: "c", date },
    ]);
    expect(params).toMatchObject({ CONNECTOR: "c", LINE: 3, MESSAGES: [{ message: { id: ["x"] } }] });
  });
});

describe("undelivered notice", () => {
  it("posts a system message into the Open Lines chat that is not relayed to the customer", () => {
    expect(
      undeliveredNotice({
        imChatId: 1807,
        reason: "Telegram: bot was blocked by the user",
        excerpt: "Guten Tag!",
        language: "en_US",
      }),
    ).toEqual({
      method: "im.message.add",
      params: {
        DIALOG_ID: "chat1807",
        MESSAGE: "[b]Not delivered to the customer:[/b] Telegram: bot was blocked by the user\nMessage: «Guten Tag!»",
        SYSTEM: "Y",
        SKIP_CONNECTOR: "Y",
        URL_PREVIEW: "N",
      },
    });
  });

  it("speaks Russian, escapes markup in the reason and shortens long excerpts", () => {
    const { params } = undeliveredNotice({
      imChatId: 1,
      reason: "[url=https://evil]x[/url]\nline",
      excerpt: "Я".repeat(200),
      language: "ru_RU",
    });
    expect(params.MESSAGE).toMatch(
      /^\[b\]Не доставлено клиенту:\[\/b\] \[\u200burl=https:\/\/evil\]x\[\u200b\/url\] line\nСообщение: «Я{120}…»$/,
    );
  });

  it("falls back to a system notification to the operator", () => {
    expect(
      undeliveredNotification({
        operatorUserId: 27,
        reason: "SMS: number unreachable",
        language: "en_US",
        tag: "switchboard-undelivered-86497",
      }),
    ).toEqual({
      method: "im.notify.system.add",
      params: {
        USER_ID: 27,
        MESSAGE: "[b]Not delivered to the customer:[/b] SMS: number unreachable",
        TAG: "switchboard-undelivered-86497",
      },
    });
  });
});
