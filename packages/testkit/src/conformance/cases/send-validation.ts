/**
 * @module conformance/cases/send-validation — SalesRender's `/special/send` refuses a malformed
 * message or an unregistered company with the protocol's exact answers (§5.7).
 */
import { expect, it } from "vitest";
import { refOf, textMessage, uniqueId, type SalesRenderContext } from "../suite-context.js";

/** Cases for the send route's refusals. */
export function sendValidationCases(ctx: SalesRenderContext): void {
  it.each([
    ["blank text", { content: { text: "   ", format: "text" }, attachments: [] }, "Message text should not be empty"],
    [
      "neither content nor attachments",
      { content: null, attachments: [] },
      "Message should contain content or attachmetns",
    ],
    [
      "a bad attachment type",
      { content: null, attachments: [{ name: "a", uri: "https://x.test/a", type: "video" }] },
      "Can not parse chat & message data",
    ],
  ])("a send with %s answers 405 with the protocol's message", async (_what, message, expected) => {
    const body = {
      chat: { id: null, contact: ctx.harness.contact, subject: null },
      message: { id: uniqueId("bad"), ...message },
    };
    const res = await ctx.crm.send(ctx.gatewayUrl, refOf(0), body);
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ code: 405, message: expected });
  });

  it("a send without a contact answers 405 and one from an unregistered company 403", async () => {
    const noContact = await ctx.crm.send(ctx.gatewayUrl, refOf(0), {
      chat: { id: "c" },
      message: { id: uniqueId("bad"), content: { text: "hi", format: "text" } },
    });
    expect(noContact.status).toBe(405);
    expect(await noContact.json()).toEqual({ code: 405, message: "Can not parse chat & message data" });
    const stranger = await ctx.crm.send(
      ctx.gatewayUrl,
      { ...refOf(0), companyId: "3003" },
      textMessage(ctx, uniqueId("x"), "hi"),
    );
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toEqual({ code: 403, message: "Plugin was not registered" });
  });
}
