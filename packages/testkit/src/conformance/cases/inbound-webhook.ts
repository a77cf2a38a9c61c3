/**
 * @module conformance/cases/inbound-webhook — the channel's webhook: forgeries refused, redeliveries
 * forwarded once, oversized bodies refused, every refusal a `{code, message}` JSON answer.
 */
import { expect, it } from "vitest";
import type { WebhookCredentials } from "../harness.js";
import {
  expectAcknowledged,
  expectErrorJson,
  expectRefused,
  incomingWith,
  uniqueId,
  waitIncoming,
  type SuiteContext,
} from "../suite-context.js";

/**
 * Posts a valid message after `what` and waits for it in the CRM. The gateway forwards one
 * customer's messages in order, so once this one arrived, anything `what` forwarded has too.
 */
async function markerAfter(ctx: SuiteContext, what: string): Promise<void> {
  const marker = `Marker after ${what} ${uniqueId("marker")}`;
  await expectAcknowledged(await ctx.harness.webhook.message(0, marker)());
  await waitIncoming(ctx, marker);
}

/** Cases for the inbound webhook. */
export function inboundWebhookCases(ctx: SuiteContext): void {
  it("a valid webhook request is acknowledged and its message reaches the CRM for that company", async () => {
    for (const tenant of [0, 1] as const) {
      const text = `Through the webhook ${uniqueId("hook")}`;
      await expectAcknowledged(await ctx.harness.webhook.message(tenant, text)());
      const rec = await waitIncoming(ctx, text);
      expect(rec.tenant).toBe(tenant);
    }
  });

  it.each<WebhookCredentials>(["wrong", "missing"])(
    "a request with %s credentials is refused with {code, message} and nothing reaches the CRM",
    async (credentials) => {
      const text = `Forged with ${credentials} credentials ${uniqueId("forged")}`;
      await expectRefused(ctx, await ctx.harness.webhook.message(0, text, credentials)());
      await markerAfter(ctx, "a forgery");
      expect(incomingWith(ctx, text)).toEqual([]);
    },
  );

  if (ctx.harness.webhook.authentication === "signature") {
    it("a request to company B signed with company A's credentials is refused and nothing reaches the CRM", async () => {
      const text = `Signed by the other company ${uniqueId("cross")}`;
      await expectRefused(ctx, await ctx.harness.webhook.message(1, text, "other-tenant")());
      await markerAfter(ctx, "a cross-company forgery");
      expect(incomingWith(ctx, text)).toEqual([]);
    });
  }

  it("a redelivered event reaches the CRM once, and both deliveries are acknowledged", async () => {
    const text = `Delivered twice ${uniqueId("redelivered")}`;
    const post = ctx.harness.webhook.message(0, text);
    await expectAcknowledged(await post());
    await expectAcknowledged(await post());
    await markerAfter(ctx, "a redelivery");
    expect(incomingWith(ctx, text)).toHaveLength(1);
  });

  it("one event delivered twice at the same time reaches the CRM once", async () => {
    // A channel retries on its own timeout, possibly while the first delivery is still being handled.
    const text = `Delivered twice at once ${uniqueId("concurrent")}`;
    const post = ctx.harness.webhook.message(0, text);
    for (const res of await Promise.all([post(), post()])) await expectAcknowledged(res);
    await markerAfter(ctx, "a concurrent redelivery");
    expect(incomingWith(ctx, text)).toHaveLength(1);
  });

  it("a body over the webhook's limit is answered 413 {code, message} and nothing reaches the CRM", async () => {
    const marker = `Oversized ${uniqueId("oversized")} `;
    const text = marker + "x".repeat(ctx.harness.webhook.maxBytes + 1 - marker.length);
    const res = await ctx.harness.webhook.message(0, text)();
    expect(res.status).toBe(413);
    await expectErrorJson(res);
    await markerAfter(ctx, "an oversized body");
    expect(incomingWith(ctx, marker)).toEqual([]);
  });
}
