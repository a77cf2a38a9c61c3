/**
 * @module conformance/cases/incoming — customer messages reach the CRM as verified `incoming` calls (§6.1).
 */
import { expect, it } from "vitest";
import { refOf, uniqueId, WAIT_MS, type SuiteContext } from "../suite-context.js";

/** Cases for incoming messages. */
export function incomingCases(ctx: SuiteContext): void {
  it("a customer message reaches the CRM with its text, for the right company", async () => {
    const text = `Hi from a customer ${uniqueId("in")}`;
    await ctx.harness.deliverIncoming(0, text);
    const rec = await ctx.crm.waitFor(
      () => ctx.crm.incoming.find((r) => r.body.message.content?.text.includes(text)),
      WAIT_MS,
    );
    expect(rec.ref).toEqual(refOf(0));
    expect(rec.body.chat.contact).toEqual(expect.any(String));
    expect(rec.body.message).not.toHaveProperty("id");
    expect(rec.claims).toMatchObject({ iss: ctx.gatewayUrl, aud: ctx.crm.url });
  });
}
