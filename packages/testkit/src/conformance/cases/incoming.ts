/**
 * @module conformance/cases/incoming — customer messages reach the CRM for the right company
 * (SalesRender: verified `incoming` calls, §6.1; Bitrix24: `imconnector.send.messages` into the line).
 */
import { expect, it } from "vitest";
import { incomingWith, uniqueId, waitIncoming, type SuiteContext } from "../suite-context.js";

/** Cases for incoming messages. */
export function incomingCases(ctx: SuiteContext): void {
  it("a customer message reaches the CRM with its text, for the right company", async () => {
    const text = `Hi from a customer ${uniqueId("in")}`;
    await ctx.harness.deliverIncoming(0, text);
    const rec = await waitIncoming(ctx, text);
    expect(rec.tenant).toBe(0);
    ctx.side.expectIncomingWire(0, text, ctx.harness.customerName);
  });

  it("a customer message the CRM refuses for a moment is retried and reaches it once", async () => {
    const text = `Sent while the CRM was busy ${uniqueId("busy")}`;
    const refused = ctx.side.refuseNextIncoming(0);
    await ctx.harness.deliverIncoming(0, text);
    await waitIncoming(ctx, text);
    expect(refused()).toBe(1);
    // One customer's messages reach the CRM in order: once a later one arrived, a second copy would have.
    const marker = `After the busy CRM ${uniqueId("marker")}`;
    await ctx.harness.deliverIncoming(0, marker);
    await waitIncoming(ctx, marker);
    expect(incomingWith(ctx, text)).toHaveLength(1);
  });
}
