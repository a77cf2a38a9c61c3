import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshChat, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;
const updates = new UpdateBuilder();
beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

describe("webhook while the database is full", () => {
  it("answers 503 (Telegram delivers the update again), /readyz 503, and takes the redelivery once there is room", async () => {
    const sqlite = stack.gw.runtime.db.$client;
    // The CRM holds its answers while the database fills: a delivery finishing meanwhile would be
    // a write that succeeds (its row removed) and would bring readiness back before the check below.
    stack.crm.fail({ delayMs: 60_000 });
    sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);
    const chat = freshChat();
    const forwarded: string[] = [];
    let refused: { update: Record<string, unknown>; text: string; res: Response } | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const text = `${i} ${"x".repeat(3000)}`;
      const update = updates.text({ id: chat }, text);
      const res = await stack.fake.deliverUpdate(TOKENS[0], update);
      if (res.status === 200) forwarded.push(text);
      else refused = { update, text, res };
    }
    expect(refused?.res.status).toBe(503);
    expect(refused!.res.headers.get("retry-after")).toBe("5");
    expect(await refused!.res.json()).toEqual({
      code: 503,
      message: "The database is busy or full; try again shortly",
    });
    expect((await fetch(`${stack.url}readyz`)).status).toBe(503);

    sqlite.pragma("max_page_count = 1073741823");
    await stack.crm.recover();
    stack.crm.answerHeld();
    await stack.crm.waitFor(async () => (await fetch(`${stack.url}readyz`)).status === 200);
    expect((await stack.fake.deliverUpdate(TOKENS[0], refused!.update)).status).toBe(200);
    const texts = [...forwarded, refused!.text];
    await stack.crm.waitFor(() => stack.crm.incoming.length === texts.length, 20_000);
    expect(stack.crm.incoming.map((r) => r.body.message.content?.text)).toEqual(texts);
  }, 60_000);
});
