import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextId, startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "./test/stack.js";

let stack: TelegramStack;

beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

describe("two companies, two bots", () => {
  it("gives each tenant its own webhook URL and secret", () => {
    const a = stack.fake.webhook(TOKENS[0])!;
    const b = stack.fake.webhook(TOKENS[1])!;
    expect(a.url).not.toBe(b.url);
    expect(a.secretToken).not.toBe(b.secretToken);
  });

  it("sends each company's messages through its own bot", async () => {
    const ids = [nextId("a"), nextId("b")];
    for (const tenant of [0, 1] as const) {
      await stack.send(tenant, {
        chat: { contact: "tg://user?id=4242" },
        message: { id: ids[tenant], content: { text: `from company ${tenant}`, format: "text" }, attachments: [] },
      });
    }
    await Promise.all(ids.map((id) => stack.waitStatus(id!, "sent")));
    const byText = (text: string) => stack.fake.messages.filter((m) => m.text === text).map((m) => m.token);
    expect(byText("from company 0")).toEqual([TOKENS[0]]);
    expect(byText("from company 1")).toEqual([TOKENS[1]]);
    // Each company hears only about its own message.
    expect(stack.crm.statuses.filter((s) => s.body.id === ids[0]).map((s) => s.ref)).toEqual([TENANTS[0]]);
    expect(stack.crm.statuses.filter((s) => s.body.id === ids[1]).map((s) => s.ref)).toEqual([TENANTS[1]]);
  });

  it("routes each bot's updates to its company, even with the same update_id and chat", async () => {
    const update = (text: string) => ({
      update_id: 777,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 99, type: "private", first_name: "C" },
        from: { id: 99, is_bot: false, first_name: "C" },
        text,
      },
    });
    expect((await stack.fake.deliverUpdate(TOKENS[0], update("to company A"))).status).toBe(200);
    expect((await stack.fake.deliverUpdate(TOKENS[1], update("to company B"))).status).toBe(200);
    await stack.crm.waitFor(
      () => stack.crm.incoming.filter((r) => r.body.chat.contact === "tg://user?id=99").length === 2,
      10_000,
    );
    const got = stack.crm.incoming
      .filter((r) => r.body.chat.contact === "tg://user?id=99")
      .map((r) => [r.ref, r.body.message.content?.text]);
    expect(got).toEqual(
      expect.arrayContaining([
        [TENANTS[0], "to company A"],
        [TENANTS[1], "to company B"],
      ]),
    );
  });

  it("does not accept one bot's updates on the other company's webhook", async () => {
    const a = stack.fake.webhook(TOKENS[0])!;
    const b = stack.fake.webhook(TOKENS[1])!;
    const res = await fetch(b.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": a.secretToken! },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, text: "cross" },
      }),
    });
    expect(res.status).toBe(401);
  });
});
