/**
 * Crash: the gateway is killed with SIGKILL while 5 000 messages are being sent, then restarted on
 * the same database. Every accepted message must reach the fake Bot API; duplicates may only come
 * from sends that were in flight (leased) at the crash.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BenchStack } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { crmSend, inParallel, messageBody, startChaosStack } from "./harness/chaos-stack.js";
import { summary } from "./harness/summary.js";

const MESSAGES = 5000;
let stack: BenchStack;

beforeAll(async () => {
  // A short lease: sends that were in flight at the crash are retried 2 s after it.
  stack = await startChaosStack({ SWITCHBOARD_SEND_LEASE_SECONDS: "2" });
});
afterAll(() => stack?.close());

test("kill -9 mid-send: nothing accepted is lost, duplicates only from in-flight sends", async () => {
  const accepted = new Set<string>();
  const refused: string[] = [];
  let inFlightAtCrash = -1;
  let crash: Promise<void> | undefined;

  await inParallel(MESSAGES, 16, async (i) => {
    const id = `k${i}`;
    const status = await crmSend(stack, messageBody(id, 1000 + (i % 200)));
    if (status === 202) accepted.add(id);
    else refused.push(id);
    // Mid-delivery: after 1 000 deliveries, or halfway through sending if delivery lags.
    if (!crash && (stack.api.delivered >= 1000 || i >= MESSAGES / 2)) {
      crash = (async () => {
        await stack.gateway.kill();
        const probe = new DbProbe(stack.dbPath);
        inFlightAtCrash = await probe.leased();
        probe.close();
        await stack.restart();
      })();
    }
  });
  await crash;
  expect(inFlightAtCrash).toBeGreaterThanOrEqual(0);

  // The CRM retries what was not accepted (same ids: a message stored before the crash is not stored twice).
  for (const id of refused) {
    const status = await crmSend(stack, messageBody(id, 1000 + (Number(id.slice(1)) % 200)));
    expect(status).toBe(202);
    accepted.add(id);
  }
  expect(accepted.size).toBe(MESSAGES);

  await waitFor(() => [...accepted].every((id) => stack.api.timesDelivered(id) > 0), { timeoutMs: 60_000 });
  const lost = [...accepted].filter((id) => stack.api.timesDelivered(id) === 0).length;
  const duplicates = [...accepted].reduce((sum, id) => sum + Math.max(0, stack.api.timesDelivered(id) - 1), 0);
  summary("crash", {
    messages: MESSAGES,
    acceptedFirstTry: MESSAGES - refused.length,
    refusedWhileDownThenResent: refused.length,
    inFlightAtCrash,
    delivered: stack.api.delivered,
    lost,
    duplicates,
  });
  expect(lost).toBe(0);
  expect(duplicates).toBeLessThanOrEqual(inFlightAtCrash);
});
