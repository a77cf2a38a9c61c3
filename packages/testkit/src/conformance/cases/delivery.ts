/**
 * @module conformance/cases/delivery — `POST /special/send` through the queue to the provider, with statuses (§5.7, §6.2).
 */
import { expect, it } from "vitest";
import {
  refOf,
  sendAndWaitSent,
  textMessage,
  timesSent,
  uniqueId,
  WAIT_MS,
  type SuiteContext,
} from "../suite-context.js";

/** Cases for outgoing messages. */
export function deliveryCases(ctx: SuiteContext): void {
  it("a sent message reaches the provider and the CRM hears `sent` for its id", async () => {
    const id = uniqueId("send");
    const text = `Hello from the CRM ${id}`;
    const res = await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text));
    expect(res.status).toBe(202);
    await ctx.crm.waitFor(() => timesSent(ctx, 0, text) === 1, WAIT_MS);
    const status = await ctx.crm.waitFor(() => ctx.crm.statuses.find((s) => s.body.id === id), WAIT_MS);
    expect(status.body.status).toBe("sent");
    expect(status.ref).toEqual(refOf(0));
  });

  it("the same CRM message id posted twice is sent once (both answers 202)", async () => {
    const id = uniqueId("dup");
    const text = `Only once ${id}`;
    const first = await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text));
    const second = await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text));
    expect([first.status, second.status]).toEqual([202, 202]);
    await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes("sent"), WAIT_MS);
    // A later message to the same contact going through shows the queue has moved past the duplicate.
    await sendAndWaitSent(ctx, 0, `after duplicate ${id}`);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(ctx.crm.statusesOf(id)).toEqual(["sent"]);
  });

  it("a permanent provider refusal gives an `error` status and is not retried", async () => {
    const id = uniqueId("perm");
    const text = `Refused for good ${id}`;
    ctx.harness.failNextSend("permanent");
    expect((await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text))).status).toBe(202);
    await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes("error"), WAIT_MS);
    await sendAndWaitSent(ctx, 0, `after permanent failure ${id}`);
    expect(timesSent(ctx, 0, text)).toBe(0);
    expect(ctx.crm.statusesOf(id)).toEqual(["error"]);
  });

  it("a transient provider failure is retried and then `sent`", async () => {
    const id = uniqueId("transient");
    const text = `Second time lucky ${id}`;
    ctx.harness.failNextSend("transient");
    expect((await ctx.crm.send(ctx.gatewayUrl, refOf(0), textMessage(ctx, id, text))).status).toBe(202);
    await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes("sent"), WAIT_MS);
    expect(timesSent(ctx, 0, text)).toBe(1);
    expect(ctx.crm.statusesOf(id)).toEqual(["sent"]);
  });

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
