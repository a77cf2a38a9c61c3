import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, textMessage, type Stack } from "../test/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const post = async (s: Stack, body: unknown, ref = TENANT_A) =>
  fetch(
    `${s.gw.url}echo/webhook/${(await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!.publicId}`,
    {
      method: "POST",
      body: JSON.stringify(body),
    },
  );

describe("CRM outbox", () => {
  it("forwards incoming messages signed HS512 with the tenant's HPT, once per external id, scoped per tenant", async () => {
    const s = (stack = await startStack(createEchoGateway().definition));
    expect((await post(s, { id: "u1", from: "echo://bob", text: "hi" })).status).toBe(200);
    // A redelivery is acknowledged too (the channel must stop retrying) but forwarded only once.
    expect((await post(s, { id: "u1", from: "echo://bob", text: "hi" })).status).toBe(200);
    expect((await post(s, { id: "u1", from: "echo://bob", text: "hi from B" }, TENANT_B)).status).toBe(200);
    expect((await post(s, { id: "u2", from: "echo://bob", text: "after" })).status).toBe(200);
    // One customer's messages arrive in order: once "after" is in, a repeated "hi" would be too.
    await s.crm.waitFor(() => s.crm.incoming.some((i) => i.body.message.content?.text === "after"));
    await s.crm.waitFor(() => s.crm.incoming.length === 3);
    expect(s.crm.incoming.filter((i) => i.body.message.content?.text === "hi")).toHaveLength(1);
    const a = s.crm.incoming.find((i) => i.ref.companyId === "1")!;
    expect(a.body).toEqual({
      chat: { id: null, contact: "echo://bob", subject: null },
      message: { content: { text: "hi", format: "text" }, attachments: [] },
    });
    expect(a.claims).toMatchObject({ iss: s.gw.url, aud: s.crm.url, cid: "1", plugin: { alias: "echo", id: "11" } });
    expect(a.headers["user-agent"]).toBe(`SR-PLUGIN-CHAT-BOT/1.0 (+${s.gw.url}info)`);
    expect(s.crm.incoming.find((i) => i.ref.companyId === "2")!.body.message.content?.text).toBe("hi from B");
    expect(s.crm.rejected).toHaveLength(0);
  });

  it("keeps everything through a CRM outage (500s, then refused connections) and delivers it in order afterwards", async () => {
    const echo = createEchoGateway();
    echo.behave(async (m) => `g-${m.message.id}`);
    const s = (stack = await startStack(echo.definition));
    const { crm, gw } = s;
    crm.fail({ status: 500 });
    await crm.send(gw.url, TENANT_A, textMessage("o-1"));
    for (let i = 0; i < 5; i++) await post(s, { id: `in-${i}`, from: "echo://carol", text: `msg ${i}` });
    await crm.waitFor(() => echo.calls.length === 1);
    const tenant = (await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    await gw.runtime.reportStatus(tenant, "g-o-1", "delivered");
    await gw.runtime.reportStatus(tenant, "g-o-1", "read");
    const lastErrors = () =>
      (
        gw.runtime.db.$client
          .prepare("SELECT DISTINCT last_error AS e FROM crm_outbox WHERE attempts > 0")
          .all() as Array<{ e: string }>
      ).map((r) => r.e);
    // Failed attempts happen while the CRM answers 500...
    await crm.waitFor(() => lastErrors().includes("HTTP 500"));
    // ...then while the CRM is gone completely (connection refused).
    await crm.stopListening();
    await crm.waitFor(() => lastErrors().some((e) => e.includes("ECONNREFUSED")));
    expect(crm.incoming).toHaveLength(0);
    expect(crm.statuses).toHaveLength(0);
    await crm.recover();
    await crm.waitFor(() => crm.incoming.length === 5 && crm.statuses.length === 3, 10_000);
    expect(crm.statusesOf("o-1")).toEqual(["sent", "delivered", "read"]);
    expect(crm.incoming.map((i) => i.body.message.content?.text)).toEqual([
      "msg 0",
      "msg 1",
      "msg 2",
      "msg 3",
      "msg 4",
    ]);
    // The CRM has answered; the row goes once the gateway has read that answer.
    await crm.waitFor(async () => (await gw.outbox.pending()) === 0);
  });

  it("drops a request the CRM refuses for good (405 on incoming) without blocking the next", async () => {
    const s = (stack = await startStack(createEchoGateway().definition));
    s.crm.fail({ status: 405, only: "incoming", times: 1 });
    await post(s, { id: "x1", from: "echo://dan", text: "refused" });
    await post(s, { id: "x2", from: "echo://dan", text: "accepted" });
    await s.crm.waitFor(() => s.crm.incoming.length === 1);
    expect(s.crm.incoming[0]!.body.message.content?.text).toBe("accepted");
    await s.crm.waitFor(async () => (await s.gw.outbox.pending()) === 0);
  });

  it("gives up on a request after the outbox lifetime", async () => {
    const s = (stack = await startStack(createEchoGateway().definition, {
      env: { SWITCHBOARD_OUTBOX_MAX_AGE_SECONDS: "1" },
    }));
    s.crm.fail({ status: 503 });
    await post(s, { id: "old", from: "echo://eve", text: "lost cause" });
    await s.crm.waitFor(async () => (await s.gw.outbox.pending()) === 0, 5000);
    await s.crm.recover();
    expect(s.crm.incoming).toHaveLength(0);
  });
});
