import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHoldingProxy, type HoldingProxy } from "../test/holding-proxy.js";
import { startTelegramStack, tenantIdOf, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

let proxy: HoldingProxy;
let stack: TelegramStack;

beforeAll(async () => {
  stack = await startTelegramStack({
    apiRoot: async (fakeUrl) => {
      proxy = await startHoldingProxy(fakeUrl);
      return proxy.url;
    },
  });
});
afterAll(async () => {
  await stack.close();
  await proxy.close();
});

it("leaves Telegram and the gateway with the same secret when two saves overlap", async () => {
  const held = proxy.holdNextAnswer("setWebhook");
  const first = stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: true } });
  // Telegram has taken the first save's secret; its answer is still on the way.
  await held.arrived;
  const answeredBefore = proxy.answered("setWebhook");
  const second = stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: false } });
  // Were saves not one after the other, the second would now set and store its secret, and the
  // first would then store its own over it. Give it the chance (it never comes when serialised).
  await waitFor(() => proxy.answered("setWebhook") > answeredBefore, { timeoutMs: 1000 }).catch(() => undefined);
  held.release();
  expect([(await first).status, (await second).status]).toEqual([200, 200]);

  const telegramHas = stack.fake.webhook(TOKENS[0])?.secretToken;
  expect(await stack.gw.instance.webhookSecrets.find(await tenantIdOf(stack, TENANTS[0]), "111111")).toBe(telegramHas);
  const res = await stack.fake.deliverUpdate(TOKENS[0], {
    update_id: 1,
    message: {
      message_id: 1,
      date: 1,
      chat: { id: 5, type: "private", first_name: "C" },
      from: { id: 5, is_bot: false, first_name: "C" },
      text: "after overlapping saves",
    },
  });
  expect(res.status).toBe(200);
  await stack.crm.waitFor(
    () => stack.crm.incoming.some((r) => r.body.message.content?.text === "after overlapping saves"),
    10_000,
  );
});
