/**
 * Operators' edits and deletes in a Bitrix24 Open Line reach the Telegram customer: the Telegram
 * gateway with the Bitrix24 host, the fake Bitrix24 and the fake Bot API, over loopback.
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

/** A customer writes (so the line has a chat), then the operator answers `text`; resolves once delivered. */
async function operatorAnswer(customer: number, text: string) {
  await tg.deliverUpdate(TOKEN, updates.text({ id: customer }, `hi from ${customer}`));
  const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === `hi from ${customer}`));
  const said = await b24.portal.operatorSays(1, received.chatId, text);
  await waitFor(() => b24.portal.delivered(said.imMessageId));
  const sent = tg.messages.filter((m) => m.chatId === String(customer));
  return { said, sent, chatId: received.chatId };
}

describe("operator edits and deletes, Bitrix24 → Telegram", () => {
  it("an edit changes the Telegram message in place and is confirmed with send.status.delivery", async () => {
    const { said, sent } = await operatorAnswer(6161, "See you at [b]5[/b]");
    expect(sent).toHaveLength(1);
    const events = await b24.portal.operatorEdits(said.imMessageId, "See you at [b]6[/b]");
    expect(events[0]!.status).toBe(200);
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 2);
    const message = tg.messages.find((m) => m.chatId === "6161")!;
    expect(message).toMatchObject({ edits: 1, method: "sendMessage" });
    expect(message.raw).toContain("<b>6</b>");
    expect(message.text).toContain("Klaus Weber:");
    expect(tg.messages.filter((m) => m.chatId === "6161")).toHaveLength(1);
    expect(b24.portal.deliveries(said.imMessageId)[1]!.messageIds).toEqual([`6161:${message.messageId}`]);
    const edit = tg.calls.find((c) => c.method === "editMessageText" && String(c.params.chat_id) === "6161")!;
    expect(edit.params).toMatchObject({ message_id: message.messageId, parse_mode: "HTML" });
  });

  it('an edit to the same text is done ("message is not modified")', async () => {
    const { said } = await operatorAnswer(6262, "unchanged");
    const before = tg.calls.filter((c) => c.method === "editMessageText").length;
    await b24.portal.operatorEdits(said.imMessageId, "unchanged");
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 2);
    const answers = tg.calls.filter((c) => c.method === "editMessageText").slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.error?.description).toMatch(/message is not modified/);
    expect(b24.portal.systemMessages(said.imChatId)).toEqual([]);
  });

  it("an edit of a file's caption goes through editMessageCaption", async () => {
    await tg.deliverUpdate(TOKEN, updates.text({ id: 6868 }, "hi from 6868"));
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "hi from 6868"));
    const said = await b24.portal.operatorSays(1, received.chatId, "The list", [
      { name: "list.pdf", bytes: new TextEncoder().encode("%PDF-1.4"), contentType: "application/pdf" },
    ]);
    await waitFor(() => b24.portal.delivered(said.imMessageId));
    await b24.portal.operatorEdits(said.imMessageId, "The new list");
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 2);
    const message = tg.messages.find((m) => m.chatId === "6868")!;
    expect(message).toMatchObject({ edits: 1, file: { fileName: "list.pdf" } });
    expect(message.text).toContain("The new list");
    expect(tg.calls.some((c) => c.method === "editMessageCaption" && String(c.params.chat_id) === "6868")).toBe(true);
  });

  it("a delete removes the Telegram message", async () => {
    const { said } = await operatorAnswer(6363, "oops, wrong chat");
    const events = await b24.portal.operatorDeletes(said.imMessageId);
    expect(events[0]!.status).toBe(200);
    const message = await waitFor(() => tg.messages.find((m) => m.chatId === "6363" && m.deleted));
    expect(message.text).toContain("wrong chat");
  });

  it("an edit Telegram refuses (message to edit not found) becomes the operator's notice with the reason", async () => {
    const { said } = await operatorAnswer(6464, "first words");
    tg.failNext("editMessageText", { error_code: 400, description: "Bad Request: message to edit not found" });
    await b24.portal.operatorEdits(said.imMessageId, "second words");
    const notice = await waitFor(() => b24.portal.systemMessages(said.imChatId)[0]);
    expect(notice.message).toContain("message to edit not found");
    expect(b24.portal.deliveries(said.imMessageId)).toHaveLength(1);
  });

  it("a split message: a shorter edit edits the first part and deletes the rest; a longer one is refused", async () => {
    const long = `${"a".repeat(4000)} ${"b".repeat(3000)}`;
    const { said, sent } = await operatorAnswer(6565, long);
    expect(sent).toHaveLength(2);
    await b24.portal.operatorEdits(said.imMessageId, "short now");
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 2);
    const [first, second] = tg.messages.filter((m) => m.chatId === "6565");
    expect(first).toMatchObject({ edits: 1 });
    expect(first!.text).toContain("short now");
    expect(second!.deleted).toBe(true);
    expect(b24.portal.deliveries(said.imMessageId)[1]!.messageIds).toEqual([`6565:${first!.messageId}`]);
    // A second edit knows the second part is gone: it edits the first only, and a longer text is refused.
    await b24.portal.operatorEdits(said.imMessageId, "short again");
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 3);
    expect(first).toMatchObject({ edits: 2 });
    expect(first!.text).toContain("short again");
    await b24.portal.operatorEdits(said.imMessageId, "f".repeat(5000));
    const refused = await waitFor(() => b24.portal.systemMessages(said.imChatId)[0]);
    expect(refused.message).toContain("needs 2 messages and the sent text has 1");

    const { said: two } = await operatorAnswer(6566, `${"c".repeat(4000)} ${"d".repeat(3000)}`);
    await b24.portal.operatorEdits(two.imMessageId, "e".repeat(9000));
    const notice = await waitFor(() => b24.portal.systemMessages(two.imChatId)[0]);
    expect(notice.message).toContain("needs 3 messages and the sent text has 2");
    expect(tg.messages.filter((m) => m.chatId === "6566").every((m) => !m.edits && !m.deleted)).toBe(true);
  });

  it("an edit that arrives while its message is still being retried is carried out after it", async () => {
    await tg.deliverUpdate(TOKEN, updates.text({ id: 6666 }, "hi from 6666"));
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "hi from 6666"));
    tg.failNext(
      "sendMessage",
      { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
      { chatId: 6666 },
    );
    const said = await b24.portal.operatorSays(1, received.chatId, "before");
    await waitFor(() =>
      tg.calls.some((c) => c.method === "sendMessage" && String(c.params.chat_id) === "6666" && !c.ok),
    );
    await b24.portal.operatorEdits(said.imMessageId, "after");
    await waitFor(() => b24.portal.deliveries(said.imMessageId).length === 2);
    const messages = tg.messages.filter((m) => m.chatId === "6666");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ edits: 1 });
    expect(messages[0]!.text).toContain("after");
  });

  it("an edit of a message that never reached Telegram is ignored (its failure was reported once)", async () => {
    await tg.deliverUpdate(TOKEN, updates.text({ id: 6767 }, "hi from 6767"));
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "hi from 6767"));
    tg.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const said = await b24.portal.operatorSays(1, received.chatId, "lost");
    await waitFor(() => b24.portal.systemMessages(said.imChatId)[0]);
    const events = await b24.portal.operatorEdits(said.imMessageId, "lost, edited");
    expect(JSON.parse(events[0]!.answer!)).toMatchObject({ ok: true, failed: 1 });
    expect(tg.calls.some((c) => c.method === "editMessageText" && String(c.params.chat_id) === "6767")).toBe(false);
  });

  it("SalesRender's /info still lists exactly the §9 capabilities (edit and delete are not on that wire)", async () => {
    const info = (await (await fetch(`${gw.url}info`)).json()) as { extra: { capabilities: { messages: object } } };
    expect(Object.keys(info.extra.capabilities.messages).sort()).toEqual([
      "formats",
      "incoming",
      "outgoing",
      "statuses",
      "writeFirst",
    ]);
  });
});
