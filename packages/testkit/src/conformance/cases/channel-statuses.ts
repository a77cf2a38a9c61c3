/**
 * @module conformance/cases/channel-statuses — what the channel says about a message it took
 * (delivered, read, failed later) reaches the CRM as that message's status (§6.2).
 */
import { expect, it } from "vitest";
import type { ChannelStatus } from "../harness.js";
import { capabilitiesOf, refOf, sendAndWaitSent, uniqueId, WAIT_MS, type SuiteContext } from "../suite-context.js";

/** Cases for statuses the channel reports. */
export function channelStatusCases(ctx: SuiteContext): void {
  const report = ctx.harness.reportStatus?.bind(ctx.harness);
  if (!report) {
    it("a channel without delivery statuses declares only `sent` and `error`", async () => {
      const { statuses } = (await capabilitiesOf(ctx)).messages;
      expect([...statuses].sort()).toEqual(["error", "sent"]);
    });
    return;
  }

  it("each status the capabilities list reaches the CRM as the sent message's status, for its company", async () => {
    const { statuses } = (await capabilitiesOf(ctx)).messages;
    const reported = statuses.filter((s): s is ChannelStatus => s !== "sent");
    expect(reported.length).toBeGreaterThan(0);
    for (const [i, status] of reported.entries()) {
      // Alternate companies: a status callback must find the message of its own company.
      const tenant = i % 2 === 0 ? 0 : 1;
      const text = `Tell me when it is ${status} ${uniqueId("status")}`;
      const id = await sendAndWaitSent(ctx, tenant, text);
      await report(tenant, text, status);
      await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes(status), WAIT_MS);
      expect(ctx.crm.statusesOf(id)).toEqual(["sent", status]);
      for (const s of ctx.crm.statuses.filter((r) => r.body.id === id)) expect(s.ref).toEqual(refOf(tenant));
    }
  });
}
