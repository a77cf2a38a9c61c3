import { configureOutbound } from "@switchboard/core/internal";
import { startFakeTelegram, type FakeTelegram } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bots } from "./bots.js";

const TOKEN = "123456:guarded-fetch-test-token";
const policy = (allowPrivate: boolean) =>
  configureOutbound({ allowPrivate, downloadDeadlineMs: 30_000, downloadBudgetBytes: 64 * 1024 * 1024 });

describe("Bot API calls", () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.addBot(TOKEN, { username: "guarded_bot" });
  });
  afterAll(async () => {
    policy(false);
    await fake.close();
  });

  it("go through core's address policy: a loopback API root needs SWITCHBOARD_ALLOW_PRIVATE_URLS", async () => {
    policy(false);
    const refused = await new Bots(fake.url).getMe(TOKEN).catch((e: unknown) => e);
    expect(String((refused as { error?: unknown }).error)).toMatch(/private address/);
    // The token never shows in the error.
    expect(String(refused)).not.toContain(TOKEN);
    policy(true);
    expect((await new Bots(fake.url).getMe(TOKEN)).username).toBe("guarded_bot");
  });
});
