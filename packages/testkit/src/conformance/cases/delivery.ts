/**
 * @module conformance/cases/delivery — an operator's message through the queue to the provider, and
 * what the CRM hears back (SalesRender §5.7, §6.2; Bitrix24: send.status.delivery and the operator
 * notice of a failed send).
 */
import { expect, it } from "vitest";
import type { HostDifferences } from "../crm-side.js";
import { sendAndWaitSent, timesSent, uniqueId, waitHeard, type SuiteContext } from "../suite-context.js";

/** Cases for outgoing messages; `differences` are the driven host's, known while the cases are defined. */
export function deliveryCases(ctx: SuiteContext, differences: HostDifferences): void {
  it("a sent message reaches the provider once and the CRM hears `sent` for it, for its company", async () => {
    const text = `Hello from the CRM ${uniqueId("send")}`;
    const { id } = await ctx.side.send(0, text);
    await waitHeard(ctx, id, ["sent"]);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(ctx.side.statusTenants(id)).toEqual([0]);
  });

  it("the same CRM message posted twice is sent once (both acknowledged)", async () => {
    const text = `Only once ${uniqueId("dup")}`;
    const sent = await ctx.side.send(0, text);
    await sent.repeat();
    await waitHeard(ctx, sent.id, ["sent"]);
    // A later message to the same contact going through shows the queue has moved past the duplicate.
    await sendAndWaitSent(ctx, 0, `after duplicate ${sent.id}`);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(ctx.side.heard(sent.id)).toEqual(ctx.side.expected(["sent"]));
  });

  const failure =
    differences.failedSend === "error status"
      ? "gives an `error` status"
      : "becomes a notice to the operator in the chat (the host has no error status)";
  it(`a permanent provider refusal ${failure} and is not retried`, async () => {
    const text = `Refused for good ${uniqueId("perm")}`;
    ctx.harness.failNextSend("permanent");
    const { id } = await ctx.side.send(0, text);
    await waitHeard(ctx, id, ["error"]);
    await sendAndWaitSent(ctx, 0, `after permanent failure ${id}`);
    expect(timesSent(ctx, 0, text)).toBe(0);
    expect(ctx.side.heard(id)).toEqual(ctx.side.expected(["error"]));
  });

  it("a transient provider failure is retried and then `sent`", async () => {
    const text = `Second time lucky ${uniqueId("transient")}`;
    ctx.harness.failNextSend("transient");
    const { id } = await ctx.side.send(0, text);
    await waitHeard(ctx, id, ["sent"]);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(ctx.side.heard(id)).toEqual(ctx.side.expected(["sent"]));
  });
}
