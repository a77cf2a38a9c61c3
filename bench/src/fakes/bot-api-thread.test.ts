import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, test } from "vitest";
import { BotApiThread } from "./bot-api-thread.js";

let api: BotApiThread;
beforeAll(async () => {
  api = await BotApiThread.start();
});
afterAll(() => api?.close());

const call = (method: string, body: unknown) =>
  fetch(`${api.url}/bot7:TOKEN/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("calls on the fake's thread are copied here, stamped on this thread's clock", async () => {
  const before = performance.now();
  const sent = await call("sendMessage", { chat_id: 42, text: "hello [[m1]]" });
  const after = performance.now();
  expect(sent.status).toBe(200);
  expect(((await sent.json()) as { result: { chat: { id: number } } }).result.chat.id).toBe(42);
  await api.synced();
  expect(api.calls).toHaveLength(1);
  const [first] = api.calls;
  expect(first).toMatchObject({ marker: "m1", token: "7:TOKEN", chatId: "42", outcome: "ok" });
  // Another thread's timeline would be off by the threads' start times (tens of ms or more).
  expect(first!.at).toBeGreaterThanOrEqual(before - 1);
  expect(first!.at).toBeLessThanOrEqual(after + 1);
  expect(api.timesDelivered("m1")).toBe(1);
  expect(api.timesDelivered("m2")).toBe(0);
});

test("a webhook set on the fake is seen here once synced", async () => {
  const set = await call("setWebhook", { url: "https://gw.example/hook", secret_token: "s3" });
  expect(set.status).toBe(200);
  await api.synced();
  expect(api.webhooks.get("7:TOKEN")).toEqual({ url: "https://gw.example/hook", secret: "s3" });
});
