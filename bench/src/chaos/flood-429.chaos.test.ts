/**
 * A flood of 429s with retry_after: every message is refused twice with `retry_after: 1`; the
 * queue must wait at least the second it was told each time, and then deliver everything.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BenchStack } from "../gateway/bench-stack.js";
import { crmSend, inParallel, messageBody, startChaosStack } from "./harness/chaos-stack.js";
import { summary } from "./harness/summary.js";

const MESSAGES = 200;
const RETRY_AFTER_S = 1;
// Date.now() in the gateway has millisecond steps; the fake's clock is finer.
const CLOCK_SLACK_MS = 2;
let stack: BenchStack;

beforeAll(async () => {
  stack = await startChaosStack();
});
afterAll(() => stack?.close());

test("429 with retry_after: waits as told, then delivers everything once", async () => {
  stack.api.setMode({ kind: "flood429", retryAfter: RETRY_AFTER_S, refusals: 2 });
  const ids = Array.from({ length: MESSAGES }, (_, i) => `f${i}`);
  await inParallel(MESSAGES, 10, async (i) => {
    expect(await crmSend(stack, messageBody(ids[i]!, 5000 + (i % 20)))).toBe(202);
  });
  await waitFor(() => ids.every((id) => stack.api.timesDelivered(id) > 0), { timeoutMs: 60_000 });

  let tooEarly = 0;
  let shortestWaitMs = Infinity;
  for (const id of ids) {
    const calls = stack.api.calls.filter((c) => c.marker === id);
    expect(calls.map((c) => c.outcome)).toEqual(["429", "429", "ok"]);
    for (let k = 1; k < calls.length; k++) {
      const waited = calls[k]!.at - calls[k - 1]!.at;
      shortestWaitMs = Math.min(shortestWaitMs, waited);
      if (waited < RETRY_AFTER_S * 1000 - CLOCK_SLACK_MS) tooEarly += 1;
    }
  }
  summary("flood-429", {
    messages: MESSAGES,
    refused429: stack.api.calls.filter((c) => c.outcome === "429").length,
    delivered: stack.api.delivered,
    retriesTooEarly: tooEarly,
    shortestWaitMs: Math.round(shortestWaitMs),
  });
  expect(tooEarly).toBe(0);
  expect(stack.api.delivered).toBe(MESSAGES);
  await stack.crm.waitFor(() => ids.every((id) => stack.crm.statusesOf(id).includes("sent")), 30_000);
});
