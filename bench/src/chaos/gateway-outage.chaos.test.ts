/**
 * Gateway outage: the Bot API answers 500, then hangs, then drops connections, then recovers.
 * Everything is delivered exactly once and each message's status reaches the CRM once, as `sent`.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BenchStack } from "../gateway/bench-stack.js";
import type { SendCall } from "../fakes/bot-api-server.js";
import { crmSend, inParallel, messageBody, startChaosStack } from "./harness/chaos-stack.js";
import { summary } from "./harness/summary.js";

let stack: BenchStack;
beforeAll(async () => {
  // More send slots than messages: hung calls must not starve the later phases of slots.
  stack = await startChaosStack({ LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "500" });
});
afterAll(() => stack?.close());

const count = (outcome: SendCall["outcome"]) => stack.api.calls.filter((c) => c.outcome === outcome).length;

async function sendBatch(from: number, to: number): Promise<void> {
  await inParallel(to - from, 10, async (k) => {
    const i = from + k;
    // A chat has one send in flight at a time: 100 chats, so the hang phase can hold 50 calls.
    expect(await crmSend(stack, messageBody(`o${i}`, 2000 + (i % 100)))).toBe(202);
  });
}

test("500s, hangs and dropped connections, then recovery: all delivered once, statuses in order", async () => {
  stack.api.setMode({ kind: "error500" });
  await sendBatch(0, 100);
  await waitFor(() => count("500") >= 150, { timeoutMs: 30_000 }); // every message refused, some retried

  stack.api.setMode({ kind: "hang" });
  await sendBatch(100, 150);
  await waitFor(() => count("hang") >= 50, { timeoutMs: 30_000 });

  stack.api.setMode({ kind: "close" });
  await sendBatch(150, 200);
  // Hung calls (and retries of the first phase's messages that hung too) can hold every send slot
  // of the tenant until their 45 s call deadline: the dropped connections may only start after it.
  await waitFor(() => count("close") >= 50, { timeoutMs: 120_000 });

  stack.api.recover();
  const ids = Array.from({ length: 200 }, (_, i) => `o${i}`);
  await waitFor(() => ids.every((id) => stack.api.timesDelivered(id) > 0), { timeoutMs: 60_000 });
  await stack.crm.waitFor(() => ids.every((id) => stack.crm.statusesOf(id).length > 0), 30_000);

  const duplicates = ids.filter((id) => stack.api.timesDelivered(id) > 1).length;
  const wrongStatuses = ids.filter((id) => stack.crm.statusesOf(id).join(",") !== "sent").length;
  summary("gateway-outage", {
    messages: ids.length,
    answered500: count("500"),
    hung: count("hang"),
    dropped: count("close"),
    delivered: stack.api.delivered,
    duplicates,
    statuses: stack.crm.statuses.length,
    wrongStatuses,
  });
  expect(duplicates).toBe(0);
  expect(wrongStatuses).toBe(0);
  expect(stack.crm.statuses.length).toBe(ids.length);
  // Above the suite's 120 s: the waits above add up to more when the hung calls run to their deadline.
}, 300_000);
