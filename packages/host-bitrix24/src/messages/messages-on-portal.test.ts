import { waitFor } from "@switchboard/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageAddEvent } from "../events/index.js";
import { customerTextToBbcode, operatorTextToChannel } from "../format/index.js";
import { batch } from "../rest/batch.js";
import { startPortalFixture, type PortalFixture } from "../test/portal-fixture.js";
import { deliveryStatusParams, readSendMessagesResult, sendMessagesParams, undeliveredNotice } from "./index.js";

const CONNECTOR = "switchboard_telegram";

describe("messages against the fake Bitrix24", () => {
  let f: PortalFixture;
  let memberId: string;
  beforeEach(async () => {
    f = await startPortalFixture();
    memberId = (await f.install()).auth.member_id;
    await f.client.call(memberId, "imconnector.register", {
      ID: CONNECTOR,
      NAME: "Switchboard Telegram",
      ICON: { DATA_IMAGE: "data:image/svg+xml,%3Csvg%3E%3C/svg%3E" },
      PLACEMENT_HANDLER: `${f.handler.url.replace("install", "settings")}`,
      NEED_SIGNATURE: "Y",
    });
    await f.client.call(memberId, "imconnector.activate", { CONNECTOR, LINE: 1, ACTIVE: 1 });
    await f.client.call(memberId, "event.bind", {
      event: "OnImConnectorMessageAdd",
      handler: f.handler.url.replace("install", "events"),
    });
  });
  afterEach(() => f.close());

  it("sends customers' messages in one call, names within the rules and the whole name kept", async () => {
    const date = new Date(f.timers.now());
    const params = sendMessagesParams(CONNECTOR, 1, [
      {
        user: { id: "tg-1", name: "🦄 Jane_Doe (@jane) — VIP customer since 2019" },
        chat: { id: "tg-1" },
        message: { id: "m-1", date, text: customerTextToBbcode("Hi! [b]not bold[/b] 👋", "text") },
      },
      {
        user: { id: "tg-2", name: "Анна", lastName: "Петрова" },
        chat: { id: "tg-2" },
        message: { id: "m-2", date, text: customerTextToBbcode("**Срочно**: заказ №5", "markdown") },
      },
    ]);
    const answer = await f.client.call(memberId, "imconnector.send.messages", params);
    const outcomes = readSendMessagesResult(answer.result, 2);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(outcomes[0]!.chatId).toMatch(/^\d+$/);
    const [jane, anna] = f.fake.portal.messages();
    expect(jane).toMatchObject({ userId: "tg-1", messageId: "m-1", text: "Hi! [\u200bb]not bold[\u200b/b] 👋" });
    expect(anna).toMatchObject({ userId: "tg-2", text: "[b]Срочно[/b]: заказ №5" });
    expect(jane!.raw).toMatchObject({ chat: { name: "🦄 Jane_Doe (@jane) — VIP customer since 2019" } });
    expect(String((jane!.raw.user as Record<string, unknown>).name).length).toBeLessThanOrEqual(25);
    expect(f.fake.calls("imconnector.send.messages")).toHaveLength(1);
  });

  it("turns the operator's event into channel text, confirms delivery with array ids, and posts the not-delivered notice", async () => {
    const date = new Date(f.timers.now());
    await f.client.call(
      memberId,
      "imconnector.send.messages",
      sendMessagesParams(CONNECTOR, 1, [
        { user: { id: "tg-1", name: "Jane" }, chat: { id: "tg-1" }, message: { id: "m-1", date, text: "hello" } },
      ]),
    );
    const said = await f.fake.portal.operatorSays(
      1,
      "tg-1",
      "Ваш заказ [b]готов[/b] 🎉 [url=https://shop.example/o/1]смотреть[/url]",
      [],
      {
        signature: true,
      },
    );
    const event = (await waitFor(() =>
      f.handler.events.find((e) => e.event === "ONIMCONNECTORMESSAGEADD"),
    )) as MessageAddEvent;
    const [item] = event.data.MESSAGES;
    expect(item!.im).toEqual({ chat_id: said.imChatId, message_id: said.imMessageId });
    const channel = operatorTextToChannel(item!.message.text, ["text", "markdown", "html"]);
    expect(channel.format).toBe("html");
    expect(channel.signature).toBeTruthy();
    expect(channel.text).toContain('Ваш заказ <b>готов</b> 🎉 <a href="https://shop.example/o/1">смотреть</a>');

    await f.client.call(
      memberId,
      "imconnector.send.status.delivery",
      deliveryStatusParams(CONNECTOR, 1, [
        {
          im: { chatId: item!.im.chat_id, messageId: item!.im.message_id },
          channelMessageIds: "tg-msg-77",
          chatId: item!.chat.id,
        },
      ]),
    );
    expect(f.fake.portal.delivered(said.imMessageId)).toBe(true);
    expect(f.fake.portal.deliveries(said.imMessageId)[0]).toMatchObject({ messageIds: ["tg-msg-77"], chatId: "tg-1" });

    const notice = undeliveredNotice({
      imChatId: said.imChatId,
      reason: "Telegram: bot was blocked by the user",
      excerpt: said.text,
      language: "ru_RU",
    });
    await f.client.call(memberId, notice.method, notice.params);
    const [system] = f.fake.portal.systemMessages(said.imChatId);
    expect(system).toMatchObject({ system: true, dialogId: `chat${said.imChatId}` });
    expect(system!.message).toContain("Не доставлено клиенту");
    expect(system!.params).toMatchObject({ SKIP_CONNECTOR: "Y" });
  });

  it("carries a portal's several due requests in one batch", async () => {
    const date = new Date(f.timers.now());
    const outcomes = await batch(f.client, memberId, {
      a: {
        method: "imconnector.send.messages",
        params: sendMessagesParams(CONNECTOR, 1, [
          { user: { id: "u1", name: "Ann" }, chat: { id: "c1" }, message: { id: "1", date, text: "one" } },
        ]),
      },
      b: {
        method: "imconnector.send.messages",
        params: sendMessagesParams(CONNECTOR, 1, [
          { user: { id: "u2", name: "Bob" }, chat: { id: "c2" }, message: { id: "2", date, text: "two [i]x[/i]" } },
        ]),
      },
    });
    expect([...outcomes.values()].map((o) => o.ok)).toEqual([true, true]);
    expect(f.fake.portal.messages().map((m) => m.text)).toEqual(["one", "two [i]x[/i]"]);
    expect(f.fake.calls("batch")).toHaveLength(1);
  });
});
