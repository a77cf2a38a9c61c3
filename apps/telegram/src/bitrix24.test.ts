/**
 * The Telegram gateway serving a Bitrix24 portal end to end, beside SalesRender: the fake Bitrix24
 * installs the app and opens the connector's settings slider, a customer writes to the bot (fake
 * Bot API), an operator answers in the Open Line. Everything goes over loopback.
 */
import type { GatewayHandle } from "@switchboard/core";
import type { FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { UpdateBuilder, type FakeTelegram } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelegramGateway } from "./gateway.js";
import { PORTAL_BOT_TOKEN as TOKEN, startBitrix24Stack, waitFor, type Bitrix24Stack } from "./test/bitrix24-stack.js";

const updates = new UpdateBuilder();

let stack: Bitrix24Stack;
let tg: FakeTelegram;
let b24: FakeBitrix24;
let gw: GatewayHandle<TelegramGateway>;

beforeAll(async () => {
  stack = await startBitrix24Stack();
  ({ tg, b24, gw } = stack);
});

afterAll(() => stack?.close());

describe("Telegram ↔ Bitrix24 Open Lines", () => {
  it("the settings save set the bot's webhook (the gateway's own verifySettings ran)", () => {
    expect(tg.webhook(TOKEN)?.url).toContain(gw.url);
  });

  it("a customer's message reaches the Open Line, and the operator's answer reaches the customer", async () => {
    const res = await tg.deliverUpdate(TOKEN, updates.text({ id: 5151 }, "Hello [b]from[/b] Telegram"));
    expect(res.status).toBe(200);
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text?.includes("Telegram")));
    // The customer's brackets cannot format: a zero-width space breaks every code.
    expect(received.text!.replace(/\u200b/g, "")).toBe("Hello [b]from[/b] Telegram");
    expect(received.text).not.toContain("[b]from");
    // The Open Lines dialogue is named after the Telegram user (the chat's first name in the update).
    const call = b24.calls("imconnector.send.messages").at(-1)!;
    const item = (call.params as { MESSAGES: Array<{ user: { name?: string } }> }).MESSAGES[0]!;
    expect(item.user.name).toBe("Ann");

    const said = await b24.portal.operatorSays(1, received.chatId, "Good [b]morning[/b]!");
    expect(said.events[0]!.status).toBe(200);
    const sent = await waitFor(() => tg.messages.find((m) => m.text?.includes("morning")));
    expect(sent.chatId).toBe("5151");
    expect(sent.raw).toContain("<b>morning</b>");
    expect(sent.text).toContain("Klaus Weber:");
    await waitFor(() => b24.portal.delivered(said.imMessageId));
    expect(b24.portal.deliveries(said.imMessageId)[0]!.messageIds).toEqual([`5151:${sent.messageId}`]);
  });

  it("an operator's file reaches the customer as an attachment, downloaded through our signed link", async () => {
    await tg.deliverUpdate(TOKEN, updates.text({ id: 5252 }, "send me the price list"));
    const received = await waitFor(() =>
      b24.portal.messages({ line: 1 }).find((m) => m.text === "send me the price list"),
    );
    const bytes = new TextEncoder().encode("%PDF-1.4 price list");
    const said = await b24.portal.operatorSays(1, received.chatId, "Here it is", [
      { name: "prices.pdf", bytes, contentType: "application/pdf" },
    ]);
    const sent = await waitFor(() => tg.messages.find((m) => m.chatId === "5252" && m.file));
    expect(sent.file).toMatchObject({ kind: "document", fileName: "prices.pdf" });
    expect(sent.file!.bytes!.toString()).toBe("%PDF-1.4 price list");
    await waitFor(() => b24.portal.delivered(said.imMessageId));
  });

  it("a message the channel refuses becomes a notice to the operator in that chat", async () => {
    await tg.deliverUpdate(TOKEN, updates.text({ id: 5353 }, "bye"));
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "bye"));
    tg.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const said = await b24.portal.operatorSays(1, received.chatId, "Are you there?");
    const notice = await waitFor(() => b24.portal.systemMessages(said.imChatId)[0]);
    expect(notice.message).toContain("blocked");
    expect(notice.message).toContain("Are you there?");
    expect(b24.portal.delivered(said.imMessageId)).toBe(false);
  });
  it("an expired access token is refreshed once, and the customer's message still arrives", async () => {
    b24.expireAccessTokens();
    const before = b24.tokenRequests.length;
    await tg.deliverUpdate(TOKEN, updates.text({ id: 5454 }, "after the hour"));
    await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "after the hour"));
    expect(b24.tokenRequests.slice(before).map((r) => r.grantType)).toEqual(["refresh_token"]);
  });

  it("an event with another application token is refused with 401 and sends nothing", async () => {
    const before = tg.messages.length;
    const said = await b24.portal.operatorSays(1, "5151", "forged", [], { applicationToken: "not-the-token" });
    expect(said.events[0]!.status).toBe(401);
    expect(JSON.parse(said.events[0]!.answer!)).toMatchObject({ code: "unauthorized" });
    expect(tg.messages.length).toBe(before);
  });

  it("the SalesRender host still answers beside it", async () => {
    const info = await fetch(`${gw.url}info`);
    expect(info.status).toBe(200);
  });

  it("uninstall deletes the portal's tokens: its events are refused afterwards", async () => {
    const posted = await b24.portal.uninstall();
    expect(posted[0]!.status).toBe(200);
    const late = await fetch(posted[0]!.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: posted[0]!.body,
    });
    expect(late.status).toBe(401);
  });
});
