/**
 * Bitrix24 token rotation under parallel load: every access token of two portals (three lines each)
 * is expired again and again while customers and operators write on every line at once, so many
 * calls of one portal meet `expired_token` together and race to refresh. Refresh tokens rotate on
 * every refresh and a spent one is `invalid_grant`: one refresh per portal at a time means none is
 * ever spent twice, no portal needs re-authorisation, and every message and status arrives once.
 */
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startBitrix24ChaosStack, type Bitrix24ChaosStack } from "./harness/bitrix24-stack.js";
import { Bitrix24Traffic } from "./harness/bitrix24-traffic.js";
import { summary } from "./harness/summary.js";

const ROUNDS = 8;
const PORTALS = 2;
let s: Bitrix24ChaosStack;

beforeAll(async () => {
  s = await startBitrix24ChaosStack({ portals: PORTALS, linesPerPortal: 3 });
});
afterAll(() => s?.close());

test("access tokens expire again and again under parallel load: refreshes never race, nothing lost", async () => {
  const traffic = new Bitrix24Traffic(s, 4);
  const refreshes = () => s.b24.tokenRequests.filter((r) => r.grantType === "refresh_token" && r.status === 200).length;
  await traffic.customersWrite(0);
  await traffic.learnContacts();

  let expiries = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = refreshes();
    // Tokens die while this round's messages and statuses are on their way to the portals.
    const load = Promise.all([traffic.customersWrite(round + 1), traffic.operatorsAnswer(round)]);
    s.b24.expireAccessTokens();
    expiries++;
    await load;
    // Each portal had work after the expiry, so each refreshed (once, if the refreshes share).
    await waitFor(() => refreshes() >= before + PORTALS, { timeoutMs: 60_000 });
  }
  await traffic.settle();
  const counts = await traffic.verdict();
  summary("bitrix24-token-race", { ...counts, expiries });
  // Concurrent expired_token answers of one portal share one refresh: about one per expiry per portal.
  expect(counts.tokenRefreshes).toBeLessThanOrEqual((expiries + 1) * PORTALS * 2);
});
