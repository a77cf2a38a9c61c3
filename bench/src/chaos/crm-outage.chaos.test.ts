/**
 * CRM outage: the CRM simulator stops listening while customers write and sent statuses pile up;
 * once it is back, every incoming message and status arrives exactly once, each chat in order.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BenchStack } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { crmSend, inParallel, messageBody, startChaosStack } from "./harness/chaos-stack.js";
import { summary } from "./harness/summary.js";
import { markerOf, postUpdate } from "./harness/webhook.js";

const CHATS = 10;
const PER_CHAT = 10;
const OUTGOING = 100;
let stack: BenchStack;

beforeAll(async () => {
  stack = await startChaosStack();
});
afterAll(() => stack?.close());

test("CRM down: incoming and statuses wait, then arrive once each and in order per chat", async () => {
  await stack.crm.stopListening();

  await inParallel(OUTGOING, 10, async (i) => {
    expect(await crmSend(stack, messageBody(`s${i}`, 3000 + (i % 10)))).toBe(202);
  });
  // Customers write: each chat's messages one after another, chats side by side.
  await Promise.all(
    Array.from({ length: CHATS }, async (_, c) => {
      for (let k = 0; k < PER_CHAT; k++) {
        expect(await postUpdate(stack, 7_000_000 + c * 1000 + k, 4000 + c, `in${c}x${k}`)).toBe(200);
      }
    }),
  );
  const probe = new DbProbe(stack.dbPath);
  const piledUp = await waitFor(
    async () => {
      const n = await probe.outboxPending();
      return n >= OUTGOING + CHATS * PER_CHAT ? n : 0;
    },
    { timeoutMs: 30_000 },
  );
  expect(stack.crm.incoming).toHaveLength(0);

  await stack.crm.resumeListening();
  await waitFor(async () => (await probe.outboxPending()) === 0, { timeoutMs: 60_000 });
  probe.close();

  const incoming = stack.crm.incoming.map((r) => markerOf(r.body.message.content?.text) ?? "");
  const statusIds = stack.crm.statuses.map((s) => s.body.id);
  const inOrder = Array.from({ length: CHATS }, (_, c) => c).every((c) => {
    const arrived = incoming.filter((m) => m.startsWith(`in${c}x`));
    return arrived.join() === Array.from({ length: PER_CHAT }, (_, k) => `in${c}x${k}`).join();
  });
  summary("crm-outage", {
    piledUp,
    incoming: incoming.length,
    distinctIncoming: new Set(incoming).size,
    statuses: statusIds.length,
    distinctStatuses: new Set(statusIds).size,
    inOrderPerChat: String(inOrder),
  });
  expect(new Set(incoming).size).toBe(CHATS * PER_CHAT);
  expect(incoming).toHaveLength(CHATS * PER_CHAT);
  expect(new Set(statusIds).size).toBe(OUTGOING);
  expect(statusIds).toHaveLength(OUTGOING);
  expect(inOrder).toBe(true);
});
