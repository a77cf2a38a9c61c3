import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it } from "vitest";
import { seenEvents } from "../db/schema.js";
import { defineGateway } from "../gateway/define-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, type Stack } from "../test/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const hookUrl = async (s: Stack, publicId?: string) =>
  `${s.gw.url}echo/webhook/${publicId ?? (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId}`;

describe("declared webhooks (core owns the route)", () => {
  it("refuses an unknown tenant 404, a failed verify 401 and an oversized body 413, as {code, message}, storing nothing", async () => {
    const s = (stack = await startStack(createEchoGateway().definition));
    const message = JSON.stringify({ id: "x", from: "echo://eve", text: "hi" });

    const unknown = await fetch(await hookUrl(s, "no-such-tenant"), { method: "POST", body: message });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, message: "Unknown webhook" });

    const refused = await fetch(await hookUrl(s), {
      method: "POST",
      body: message,
      headers: { "x-echo-secret": "wrong" },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 401 });

    const huge = await fetch(await hookUrl(s), {
      method: "POST",
      body: JSON.stringify({ from: "echo://eve", text: "x".repeat(70 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 413 });

    // The same id accepted afterwards is new: the refused requests claimed nothing.
    expect((await fetch(await hookUrl(s), { method: "POST", body: message })).status).toBe(200);
    await s.crm.waitFor(() => s.crm.incoming.length === 1);
    expect(s.crm.incoming[0]!.body.message.content?.text).toBe("hi");
  });

  it("answers unreadable bodies 400 and never 500, even when parse itself fails", async () => {
    const s = (stack = await startStack(createEchoGateway().definition));
    for (const body of ["not json", "[]", JSON.stringify({ from: 5 })]) {
      const res = await fetch(await hookUrl(s), { method: "POST", body });
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ code: 400 });
    }
  });

  it("turns an exception in parse into a 400, stores a follow-up with its message, and answers a custom reply", async () => {
    const echo = createEchoGateway();
    const base = echo.definition;
    const gateway = defineGateway({
      ...base,
      settings: base.settings,
      async setup(runtime, env) {
        const instance = await base.setup(runtime, env);
        return {
          ...instance,
          webhooks: {
            broken: {
              path: "echo/broken/:publicId",
              parse: () => {
                throw new TypeError("Cannot read properties of undefined");
              },
            },
            followUp: {
              path: "echo/follow-up/:publicId",
              parse: (request, tenant) => {
                const { id, text } = request.json() as { id: string; text: string };
                return {
                  events: [
                    {
                      kind: "incoming",
                      externalId: id,
                      message: {
                        chat: { contact: "echo://f" },
                        message: { content: { text, format: "text" }, attachments: [] },
                      },
                      // The gateway's own write: a synchronous statement, as onStored runs in the transaction.
                      onStored: () => {
                        runtime.db
                          .insert(seenEvents)
                          .values({ tenantId: tenant.id, scope: "follow-up", externalId: id, seenAt: Date.now() })
                          .run();
                        if (text === "boom") throw new Error("the gateway's own follow-up failed");
                      },
                    },
                  ],
                };
              },
            },
            twiml: {
              path: ["echo/twiml/:publicId", "echo/twiml/:publicId/again"],
              parse: () => ({
                events: [],
                reply: { body: "<Response></Response>", headers: { "content-type": "text/xml" } },
              }),
            },
          },
        };
      },
    });
    const s = (stack = await startStack(gateway));
    const publicId = (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
    const broken = await fetch(`${s.gw.url}echo/broken/${publicId}`, { method: "POST", body: "{}" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 400, message: "The webhook request could not be read" });
    // A follow-up's writes commit with the message; one that throws rolls back alone, the message kept.
    const tenant = (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    for (const [id, text] of [
      ["f-1", "fine"],
      ["f-2", "boom"],
    ]) {
      const res = await fetch(`${s.gw.url}echo/follow-up/${publicId}`, {
        method: "POST",
        body: JSON.stringify({ id, text }),
      });
      expect(res.status, text).toBe(200);
    }
    await s.crm.waitFor(() => s.crm.incoming.length === 2);
    expect(s.crm.incoming.map((i) => i.body.message.content?.text)).toEqual(["fine", "boom"]);
    expect(await s.gw.runtime.claimOnce(tenant, "follow-up", "f-1")).toBe(false);
    expect(await s.gw.runtime.claimOnce(tenant, "follow-up", "f-2")).toBe(true);
    for (const path of [`echo/twiml/${publicId}`, `echo/twiml/${publicId}/again`]) {
      const twiml = await fetch(`${s.gw.url}${path}`, { method: "POST", body: "" });
      expect(twiml.status).toBe(200);
      expect(twiml.headers.get("content-type")).toBe("text/xml");
      expect(await twiml.text()).toBe("<Response></Response>");
    }
  });

  it("moves statuses by channel message id, forward only", async () => {
    const echo = createEchoGateway();
    echo.behave(async () => "ch-1");
    const s = (stack = await startStack(echo.definition));
    const { textMessage } = await import("../test/stack.js");
    expect((await s.crm.send(s.gw.url, TENANT_A, textMessage("m-7"))).status).toBe(202);
    await s.crm.waitFor(() => s.crm.statusesOf("m-7").length === 1);
    for (const is of ["read", "delivered"]) {
      const res = await fetch(await hookUrl(s), {
        method: "POST",
        body: JSON.stringify({ status: { of: "ch-1", is } }),
      });
      expect(res.status).toBe(200);
    }
    const marker = await fetch(await hookUrl(s), {
      method: "POST",
      body: JSON.stringify({ from: "echo://m", text: "m" }),
    });
    expect(marker.status).toBe(200);
    await s.crm.waitFor(() => s.crm.statusesOf("m-7").length === 2 && s.crm.incoming.length === 1);
    expect(s.crm.statusesOf("m-7")).toEqual(["sent", "read"]);
  });
});
