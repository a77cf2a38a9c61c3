/**
 * Bitrix24 OAuth outage: the OAuth server answers 503, then drops connections, while every access
 * token has expired and customers and operators keep writing on two portals of two lines each. The
 * SalesRender tenant beside them is not held up; once OAuth is back, every message and delivery
 * status arrives once and in order, no refresh token is spent twice and no portal needs
 * re-authorisation.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startBitrix24ChaosStack, type Bitrix24ChaosStack } from "./harness/bitrix24-stack.js";
import { Bitrix24Traffic } from "./harness/bitrix24-traffic.js";
import { summary } from "./harness/summary.js";

let s: Bitrix24ChaosStack;

beforeAll(async () => {
  s = await startBitrix24ChaosStack({ portals: 2, linesPerPortal: 2 });
});
afterAll(() => s?.close());

test("OAuth down with expired tokens: work waits, the SalesRender side flows, then all arrives once", async () => {
  const traffic = new Bitrix24Traffic(s, 3);
  await traffic.customersWrite(0);
  await traffic.learnContacts();
  await traffic.operatorsAnswer(0);

  const refused = () => s.b24.tokenRequests.filter((r) => r.status !== 200).length;
  for (const fault of ["down", "reset"] as const) {
    const refusedBefore = refused();
    s.b24.setOAuthFault(fault);
    s.b24.expireAccessTokens();
    const arrivedBefore = traffic.customerArrivals();
    for (let round = 1; round <= 3; round++) {
      await traffic.customersWrite(fault === "down" ? round : round + 3);
      await traffic.operatorsAnswer(fault === "down" ? round : round + 3);
    }
    await traffic.salesrenderTalks(fault === "down" ? 1 : 2, 10);
    // The outage is felt (refreshes refused) and the other host is not held up by it.
    await waitFor(() => refused() > refusedBefore && traffic.salesrenderDone(), { timeoutMs: 60_000 });
    expect(traffic.customerArrivals()).toBe(arrivedBefore);
  }
  const refusedDuringOutage = refused();

  s.b24.setOAuthFault(null);
  await traffic.customersWrite(7);
  await traffic.operatorsAnswer(7);
  await traffic.settle();
  const counts = await traffic.verdict();
  summary("bitrix24-oauth-outage", { ...counts, refusedDuringOutage });
});
