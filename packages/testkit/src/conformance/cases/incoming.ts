/**
 * @module conformance/cases/incoming — customer messages reach the CRM for the right company
 * (SalesRender: verified `incoming` calls, §6.1; Bitrix24: `imconnector.send.messages` into the line).
 */
import { expect, it } from "vitest";
import { uniqueId, waitIncoming, type SuiteContext } from "../suite-context.js";

/** Cases for incoming messages. */
export function incomingCases(ctx: SuiteContext): void {
  it("a customer message reaches the CRM with its text, for the right company", async () => {
    const text = `Hi from a customer ${uniqueId("in")}`;
    await ctx.harness.deliverIncoming(0, text);
    const rec = await waitIncoming(ctx, text);
    expect(rec.tenant).toBe(0);
    ctx.side.expectIncomingWire(0, text);
  });
}
