/**
 * @module conformance/cases/isolation — two companies on one gateway never see each other's data (§8).
 */
import { expect, it } from "vitest";
import { timesSent, uniqueId, waitHeard, waitIncoming, type SuiteContext } from "../suite-context.js";

/** Cases for tenant isolation. */
export function isolationCases(ctx: SuiteContext): void {
  it("company B's sends use B's account and its statuses go to B", async () => {
    const text = `From company B ${uniqueId("b-send")}`;
    const { id } = await ctx.side.send(1, text);
    await waitHeard(ctx, id, ["sent"]);
    expect(ctx.side.statusTenants(id)).toEqual([1]);
    expect(timesSent(ctx, 1, text)).toBe(1);
    expect(timesSent(ctx, 0, text)).toBe(0);
  });

  it("company A's sends use A's account", async () => {
    const text = `From company A ${uniqueId("a-send")}`;
    const { id } = await ctx.side.send(0, text);
    await waitHeard(ctx, id, ["sent"]);
    expect(ctx.side.statusTenants(id)).toEqual([0]);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(timesSent(ctx, 1, text)).toBe(0);
  });

  it("a customer message to company B reaches the CRM as B's", async () => {
    const text = `Hi company B ${uniqueId("b-in")}`;
    await ctx.harness.deliverIncoming(1, text);
    const rec = await waitIncoming(ctx, text);
    expect(rec.tenant).toBe(1);
    ctx.side.expectIncomingWire(1, text);
  });
}
