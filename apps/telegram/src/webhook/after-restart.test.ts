import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshChat, startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "telegram-webhook-restart-")), "telegram.sqlite");
const updates = new UpdateBuilder();
let stack: TelegramStack;

beforeAll(async () => {
  stack = await startTelegramStack({ env: { SWITCHBOARD_DB_PATH: dbPath } });
});
afterAll(() => stack.close());

describe("the webhook after a restart", () => {
  it("takes updates with the stored secret and never calls the Bot API to do so", async () => {
    await stack.restart({ SWITCHBOARD_DB_PATH: dbPath });

    const callsBefore = stack.fake.calls.length;
    const chat = freshChat();
    const wrong = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: chat }, "forged"), {
      secretToken: "not-the-secret",
    });
    expect(wrong.status).toBe(401);
    for (const tenant of [0, 1] as const) {
      const res = await stack.fake.deliverUpdate(TOKENS[tenant], updates.text({ id: chat }, `after restart ${tenant}`));
      expect(res.status).toBe(200);
    }
    const arrived = await stack.crm.waitFor(() => {
      const texts = stack.crm.incoming.map((r) => [r.ref.companyId, r.body.message.content?.text]);
      return texts.length >= 2 ? texts : undefined;
    }, 10_000);
    expect(arrived).toEqual([
      [TENANTS[0].companyId, "after restart 0"],
      [TENANTS[1].companyId, "after restart 1"],
    ]);
    // An update is read as it comes: no bot to initialise (getMe) or anything else at Telegram.
    expect(stack.fake.calls.slice(callsBefore).map((c) => c.method)).toEqual([]);
  });
});
