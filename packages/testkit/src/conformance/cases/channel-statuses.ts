/**
 * @module conformance/cases/channel-statuses — what the channel says about a message it took
 * (delivered, read, failed later) reaches the CRM as that message's status, once; a forged report
 * changes nothing (§6.2).
 */
import { expect, it } from "vitest";
import type { ChannelStatus, TenantIndex, WebhookCredentials } from "../harness.js";
import {
  capabilitiesOf,
  expectAcknowledged,
  expectRefused,
  sendAndWaitSent,
  uniqueId,
  waitHeard,
  type SuiteContext,
} from "../suite-context.js";

/** The statuses a channel reports, from its capabilities (`sent` is the gateway's own). */
async function reportedStatuses(ctx: SuiteContext): Promise<ChannelStatus[]> {
  const { statuses } = (await capabilitiesOf(ctx)).messages;
  return statuses.filter((s): s is ChannelStatus => s !== "sent");
}

/** Sends a message as the CRM, waits for `sent`; returns its CRM id and text. */
async function sentMessage(ctx: SuiteContext, tenant: TenantIndex, what: string) {
  const text = `Tell me when it is ${what} ${uniqueId("status")}`;
  return { id: await sendAndWaitSent(ctx, tenant, text), text };
}

/** Cases for statuses the channel reports. */
export function channelStatusCases(ctx: SuiteContext): void {
  const build = ctx.harness.webhook.status?.bind(ctx.harness.webhook);
  if (!build) {
    it("a channel without delivery statuses declares only `sent` and `error`", async () => {
      const { statuses } = (await capabilitiesOf(ctx)).messages;
      expect([...statuses].sort()).toEqual(["error", "sent"]);
    });
    return;
  }

  it("each status the capabilities list reaches the CRM as the sent message's status, for its company", async () => {
    const reported = await reportedStatuses(ctx);
    expect(reported.length).toBeGreaterThan(0);
    for (const [i, status] of reported.entries()) {
      // Alternate companies: a status report must find the message of its own company.
      const tenant = i % 2 === 0 ? 0 : 1;
      const { id, text } = await sentMessage(ctx, tenant, status);
      await expectAcknowledged(await build(tenant, text, status)());
      await waitHeard(ctx, id, ["sent", status]);
      expect(ctx.side.statusTenants(id)).toEqual([tenant, tenant]);
    }
  });

  // The next two need a status below `error` (delivered or read): statuses only move forward and
  // one message's statuses reach the CRM in order, so a later one shows what came before it.
  it.for<WebhookCredentials>(["wrong", "missing"])(
    "a status report with %s credentials is refused with {code, message} and changes nothing",
    async (credentials, { skip }) => {
      const reported = await reportedStatuses(ctx);
      const lower = reported.find((s) => s !== "error");
      if (!lower || !reported.includes("error")) return skip("the channel reports no status below `error`");
      const { id, text } = await sentMessage(ctx, 0, `forged ${credentials}`);
      await expectRefused(ctx, await build(0, text, "error", credentials)());
      // Had the forged `error` been taken, this later status could never follow it.
      await expectAcknowledged(await build(0, text, lower)());
      await waitHeard(ctx, id, ["sent", lower]);
      // A forged `error` the gateway had taken would have followed, and been heard after `sent`.
      await sendAndWaitSent(ctx, 0, `after forged ${credentials} ${id}`);
      expect(ctx.side.heard(id)).toEqual(ctx.side.expected(["sent", lower]));
    },
  );

  it("a redelivered status report reaches the CRM once", async ({ skip }) => {
    const reported = await reportedStatuses(ctx);
    const lower = reported.find((s) => s !== "error");
    if (!lower || !reported.includes("error")) return skip("the channel reports no status below `error`");
    const { id, text } = await sentMessage(ctx, 1, `${lower} twice`);
    const report = build(1, text, lower);
    await expectAcknowledged(await report());
    await expectAcknowledged(await report());
    await expectAcknowledged(await build(1, text, "error")());
    await waitHeard(ctx, id, ["sent", lower, "error"]);
    await sendAndWaitSent(ctx, 1, `after ${lower} twice ${id}`);
    expect(ctx.side.heard(id)).toEqual(ctx.side.expected(["sent", lower, "error"]));
  });
}
