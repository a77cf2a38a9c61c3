/**
 * Bitrix24 rate limits: each portal's own leaky bucket is small (8 at once, 4 a second) while our
 * side would send far faster, so the portal answers 503 QUERY_LIMIT_EXCEEDED for real; and one
 * portal blocks `imconnector.send.status.delivery` with 429 OPERATION_TIME_LIMIT. Customers and
 * operators keep writing on two portals of two lines each: the blocked method waits as told while
 * everything else flows, and in the end every message and status arrived once and in order.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DbProbe } from "../queue/db-probe.js";
import { startBitrix24ChaosStack, type Bitrix24ChaosStack } from "./harness/bitrix24-stack.js";
import { Bitrix24Traffic } from "./harness/bitrix24-traffic.js";
import { summary } from "./harness/summary.js";

const ROUNDS = 6;
let s: Bitrix24ChaosStack;

beforeAll(async () => {
  s = await startBitrix24ChaosStack({
    portals: 2,
    linesPerPortal: 2,
    portalBucket: { burst: 8, perSecond: 4 },
    rate: { perSecond: 100, burst: 100 },
  });
});
afterAll(() => s?.close());

// The blocked method waits for one operating basket (a minute: the 429 carries no reset time).
test(
  "503 QUERY_LIMIT_EXCEEDED from the portal's bucket and 429 OPERATION_TIME_LIMIT: waits as told, nothing lost",
  { timeout: 240_000 },
  async () => {
    const [blocked, open] = [s.lines[0]!.portal, s.lines.at(-1)!.portal];
    expect(blocked.memberId).not.toBe(open.memberId);
    s.b24.failNext({
      method: "imconnector.send.status.delivery",
      memberId: blocked.memberId,
      status: 429,
      error: "OPERATION_TIME_LIMIT",
    });
    const traffic = new Bitrix24Traffic(s, 3);
    await traffic.customersWrite(0);
    await traffic.learnContacts();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([traffic.customersWrite(round + 1), traffic.operatorsAnswer(round)]);
    }
    await traffic.salesrenderTalks(0, 10);

    // Everything but the blocked portal's delivery statuses gets through the small buckets.
    const total = traffic.chats.reduce((sum, chat) => sum + chat.sent.length, 0);
    const openReplies = traffic.replies.filter((r) => r.line.portal === open);
    await waitFor(
      () =>
        traffic.customerArrivals() === total &&
        openReplies.every((r) => open.delivered(r.imMessageId)) &&
        traffic.salesrenderDone(),
      { timeoutMs: 120_000 },
    );
    const operatingLimited = s.b24.calls().filter((c) => c.error === "OPERATION_TIME_LIMIT").length;
    const waitingStatuses = traffic.replies.filter(
      (r) => r.line.portal === blocked && !blocked.delivered(r.imMessageId),
    );
    const probe = new DbProbe(s.stack.dbPath);
    const pendingWhileBlocked = await probe.outboxPending();
    probe.close();
    // The block holds: one refused call, and the portal's statuses wait for it (calls already in their
    // QUERY_LIMIT_EXCEEDED retries when the 429 came may still get through).
    const blockedCalls = s.b24
      .calls("imconnector.send.status.delivery")
      .filter((c) => c.memberId === blocked.memberId).length;
    expect(operatingLimited).toBe(1);
    expect(waitingStatuses.length).toBeGreaterThan(0);
    expect(pendingWhileBlocked).toBeGreaterThanOrEqual(waitingStatuses.length);

    await traffic.settle(150_000);
    const counts = await traffic.verdict();
    summary("bitrix24-rate-limits", {
      ...counts,
      queryLimitExceeded: s.b24.calls().filter((c) => c.error === "QUERY_LIMIT_EXCEEDED").length,
      operatingLimited,
      pendingWhileBlocked,
      blockedCalls,
      restCalls: s.b24.calls().length,
    });
    expect(s.b24.calls().filter((c) => c.error === "QUERY_LIMIT_EXCEEDED").length).toBeGreaterThan(0);
  },
);
