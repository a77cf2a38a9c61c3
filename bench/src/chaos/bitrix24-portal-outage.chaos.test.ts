/**
 * Bitrix24 portal outage: the portal answers 503, then drops connections, then refuses them (the
 * whole cloud stops listening), while customers and operators keep writing on two portals of two
 * lines each. Customer messages and delivery statuses pile up in the outbox, the SalesRender tenant
 * beside them is not held up, and once the portal is back everything arrives once and in order.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DbProbe } from "../queue/db-probe.js";
import { startBitrix24ChaosStack, type Bitrix24ChaosStack } from "./harness/bitrix24-stack.js";
import { Bitrix24Traffic } from "./harness/bitrix24-traffic.js";
import { summary } from "./harness/summary.js";

const ROUNDS = 3;
let s: Bitrix24ChaosStack;

beforeAll(async () => {
  s = await startBitrix24ChaosStack({ portals: 2, linesPerPortal: 2 });
});
afterAll(() => s?.close());

test("portal 503, reset and refused: work piles up in the outbox, then arrives once each and in order", async () => {
  const traffic = new Bitrix24Traffic(s, 3);
  await traffic.customersWrite(0);
  await traffic.learnContacts();
  await traffic.operatorsAnswer(0);
  await traffic.settle();

  const probe = new DbProbe(s.stack.dbPath);
  const piledUp: Record<string, number> = {};
  const outages = [
    { name: "503", start: () => s.b24.setPortalOutage("503"), end: () => s.b24.setPortalOutage(null) },
    { name: "reset", start: () => s.b24.setPortalOutage("reset"), end: () => s.b24.setPortalOutage(null) },
    { name: "refused", start: () => s.b24.stopListening(), end: () => s.b24.resumeListening() },
  ];
  let round = 1;
  for (const [o, outage] of outages.entries()) {
    const arrivedBefore = traffic.customerArrivals();
    const statusesBefore = traffic.repliesDone();
    await outage.start();
    for (let r = 0; r < ROUNDS; r++, round++) {
      await traffic.customersWrite(round);
      await traffic.operatorsAnswer(round);
    }
    await traffic.salesrenderTalks(o, 10);
    // Every customer message and every reply's status of this outage waits in the outbox; the other host flows.
    const waiting = traffic.chats.length * ROUNDS * 2;
    piledUp[outage.name] = await waitFor(
      async () => {
        const n = await probe.outboxPending();
        return n >= waiting && traffic.salesrenderDone() ? n : 0;
      },
      { timeoutMs: 60_000 },
    );
    expect(traffic.customerArrivals()).toBe(arrivedBefore);
    expect(traffic.repliesDone()).toBe(statusesBefore);
    await outage.end();
    await traffic.settle();
  }
  probe.close();

  const counts = await traffic.verdict();
  summary("bitrix24-portal-outage", {
    ...counts,
    ...Object.fromEntries(Object.entries(piledUp).map(([k, v]) => [`piledUp${k}`, v])),
    portal503s: s.b24.calls().filter((c) => c.status === 503).length,
  });
});
