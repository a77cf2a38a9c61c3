/**
 * @module conformance/cases/isolation — two companies on one gateway never see each other's data (§8).
 */
import { expect, it } from "vitest";
import { refOf, textMessage, timesSent, uniqueId, WAIT_MS, type SuiteContext } from "../suite-context.js";

/** Cases for tenant isolation. */
export function isolationCases(ctx: SuiteContext): void {
  it("company B's sends use B's account and its statuses go to B", async () => {
    const id = uniqueId("b-send");
    const text = `From company B ${id}`;
    expect((await ctx.crm.send(ctx.gatewayUrl, refOf(1), textMessage(ctx, id, text))).status).toBe(202);
    const status = await ctx.crm.waitFor(() => ctx.crm.statuses.find((s) => s.body.id === id), WAIT_MS);
    expect(status.ref).toEqual(refOf(1));
    expect(timesSent(ctx, 1, text)).toBe(1);
    expect(timesSent(ctx, 0, text)).toBe(0);
  });

  it("company A's sends use A's account", async () => {
    const id = uniqueId("a-send");
    const text = `From company A ${id}`;
    expect((await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text))).status).toBe(202);
    await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes("sent"), WAIT_MS);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(timesSent(ctx, 1, text)).toBe(0);
  });

  it("a customer message to company B reaches the CRM as B's", async () => {
    const text = `Hi company B ${uniqueId("b-in")}`;
    await ctx.harness.deliverIncoming(1, text);
    const rec = await ctx.crm.waitFor(
      () => ctx.crm.incoming.find((r) => r.body.message.content?.text.includes(text)),
      WAIT_MS,
    );
    expect(rec.ref).toEqual(refOf(1));
  });
}
