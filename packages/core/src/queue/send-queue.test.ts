import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelNetworkError, ChannelRefusedError, InvalidInputError } from "../errors.js";
import { createEchoGateway, type EchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, textMessage, type Stack } from "../test/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(echo: EchoGateway, env: Record<string, string> = {}) {
  stack = await startStack(echo.definition, { env });
  return stack;
}

const webhook = async (s: Stack, body: unknown, publicId?: string) => {
  publicId ??= (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
  return fetch(`${s.gw.url}echo/webhook/${publicId}`, { method: "POST", body: JSON.stringify(body) });
};

describe("send queue", () => {
  it("delivers a message and reports sent, then forward-only statuses by gateway id", async () => {
    const echo = createEchoGateway();
    echo.behave(async () => ({ ids: ["g-1"], details: { segments: 1 } }));
    const { crm, gw } = await start(echo);
    expect((await crm.send(gw.url, TENANT_A, textMessage("m-1"))).status).toBe(202);
    await crm.waitFor(() => crm.statusesOf("m-1").length === 1);
    expect(echo.calls[0]).toMatchObject({
      chat: { contact: "echo://alice" },
      message: { id: "m-1", content: { text: "Hello" } },
      attempt: 1,
    });

    expect((await webhook(stack!, { status: { of: "g-1", is: "read" } })).status).toBe(200);
    const a = (await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    expect(await gw.runtime.reportStatus(a, "g-1", "delivered")).toBe(false);
    await crm.waitFor(() => crm.statusesOf("m-1").length === 2);
    expect(crm.statusesOf("m-1")).toEqual(["sent", "read"]);
    // Company B cannot move company A's message, even knowing its gateway id.
    const b = (await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_B)))!;
    expect(await gw.runtime.reportStatus(b, "g-1", "error")).toBe(false);
  });

  it("reports a split message delivered only when every part is, and error when one part fails", async () => {
    const echo = createEchoGateway();
    echo.behave(async (m) => ({ ids: [`${m.message.id}-a`, `${m.message.id}-b`] }));
    const { crm, gw } = await start(echo);
    await crm.send(gw.url, TENANT_A, textMessage("split"));
    await crm.send(gw.url, TENANT_A, textMessage("split2"));
    await crm.waitFor(() => crm.statusesOf("split").length === 1 && crm.statusesOf("split2").length === 1);
    const a = (await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    expect(await gw.runtime.reportStatus(a, "split-a", "delivered")).toBe(false);
    expect(await gw.runtime.reportStatus(a, "split-b", "delivered")).toBe(true);
    expect(await gw.runtime.reportStatus(a, "split2-a", "error")).toBe(true);
    expect(await gw.runtime.reportStatus(a, "split2-b", "delivered")).toBe(false);
    await crm.waitFor(() => crm.statusesOf("split").length === 2 && crm.statusesOf("split2").length === 2);
    expect(crm.statusesOf("split")).toEqual(["sent", "delivered"]);
    expect(crm.statusesOf("split2")).toEqual(["sent", "error"]);
    expect(await gw.runtime.findOutgoing(a, "split-b")).toMatchObject({ crmMessageId: "split", chat: { id: "c-1" } });
  });

  it("is idempotent per CRM message id and tenant, and still sends messages without an id", async () => {
    const echo = createEchoGateway();
    const { crm, gw } = await start(echo);
    expect((await crm.send(gw.url, TENANT_A, textMessage("dup"))).status).toBe(202);
    expect((await crm.send(gw.url, TENANT_A, textMessage("dup"))).status).toBe(202);
    expect((await crm.send(gw.url, TENANT_B, textMessage("dup"))).status).toBe(202);
    expect((await crm.send(gw.url, TENANT_A, textMessage(null, "no id"))).status).toBe(202);
    expect((await crm.send(gw.url, TENANT_A, textMessage(null, "no id"))).status).toBe(202);
    await crm.waitFor(() => echo.calls.length === 4);
    await crm.waitFor(() => crm.statuses.length === 2);
    expect(echo.calls.filter((c) => c.message.id === "dup")).toHaveLength(2);
    expect(crm.statuses.map((s) => s.ref.companyId).sort()).toEqual(["1", "2"]);
  });

  it("retries transient failures with backoff and then reports sent once", async () => {
    const echo = createEchoGateway();
    let n = 0;
    echo.behave(async (m) => {
      if (++n < 3) throw new ChannelNetworkError("connection reset");
      return `ok-${m.queueId}`;
    });
    const { crm, gw } = await start(echo);
    await crm.send(gw.url, TENANT_A, textMessage("flaky"));
    await crm.waitFor(() => crm.statusesOf("flaky").length === 1);
    expect(echo.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(crm.statusesOf("flaky")).toEqual(["sent"]);
  });

  it("waits at least the gateway's retry-after before trying again", async () => {
    const echo = createEchoGateway();
    const at: number[] = [];
    echo.behave(async () => {
      at.push(Date.now());
      if (at.length === 1)
        throw new ChannelRefusedError("Too Many Requests", { permanent: false, code: 429, retryAfterMs: 400 });
      return "ok";
    });
    const { crm, gw } = await start(echo);
    await crm.send(gw.url, TENANT_A, textMessage("429"));
    await crm.waitFor(() => crm.statusesOf("429").length === 1);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(390);
  });

  it("reports error at once for a permanent failure, without retrying", async () => {
    const echo = createEchoGateway();
    echo.behave(async () => {
      throw new InvalidInputError("Contact is not a chat id");
    });
    const { crm, gw } = await start(echo);
    await crm.send(gw.url, TENANT_A, textMessage("perm"));
    await crm.waitFor(() => crm.statusesOf("perm").length === 1);
    expect(crm.statusesOf("perm")).toEqual(["error"]);
    expect(echo.calls).toHaveLength(1);
    const row = gw.runtime.db.$client
      .prepare("SELECT state, last_error FROM outgoing WHERE crm_message_id = 'perm'")
      .get();
    expect(row).toEqual({ state: "failed", last_error: "InvalidInputError: Contact is not a chat id" });
  });

  it("gives up after the configured attempts and reports error", async () => {
    const echo = createEchoGateway();
    echo.behave(async () => {
      throw new ChannelRefusedError("Internal Server Error", { permanent: false, code: 500 });
    });
    const { crm, gw } = await start(echo, { SWITCHBOARD_SEND_MAX_ATTEMPTS: "3" });
    await crm.send(gw.url, TENANT_A, textMessage("exhaust"));
    await crm.waitFor(() => crm.statusesOf("exhaust").length === 1);
    expect(crm.statusesOf("exhaust")).toEqual(["error"]);
    expect(echo.calls).toHaveLength(3);
  });

  it("spaces sends to one contact by the gateway's declared rate limit", async () => {
    const echo = createEchoGateway({ rateLimits: [{ scope: "contact", perSecond: 5, burst: 1 }] });
    const at: Record<string, number[]> = {};
    echo.behave(async (m) => {
      (at[m.chat.contact] ??= []).push(Date.now());
      return `id-${m.queueId}`;
    });
    const { crm, gw } = await start(echo);
    for (const id of ["r1", "r2", "r3"]) await crm.send(gw.url, TENANT_A, textMessage(id, "x", "echo://same"));
    await crm.send(gw.url, TENANT_A, textMessage("other", "x", "echo://other"));
    await crm.waitFor(() => echo.calls.length === 4, 5000);
    const same = at["echo://same"]!;
    expect(same[1]! - same[0]!).toBeGreaterThanOrEqual(150);
    expect(same[2]! - same[1]!).toBeGreaterThanOrEqual(150);
    // Another contact is not held back by the first one's limit.
    expect(at["echo://other"]![0]! - same[0]!).toBeLessThan(same[2]! - same[0]!);
  });

  it("keeps each chat's order while the tenant's rate limit holds a backlog back (rows put back to wait are not overtaken)", async () => {
    const echo = createEchoGateway({ rateLimits: [{ scope: "tenant", perSecond: 100 }] });
    const { crm, gw } = await start(echo);
    const chats = Array.from({ length: 20 }, (_, c) => `echo://chat-${c}`);
    // Each chat's messages one after the other (accepted in that order), the chats at once: a
    // backlog builds up behind the tenant's limit, and rows claimed but not let through wait.
    await Promise.all(
      chats.map(async (contact, c) => {
        for (let i = 0; i < 10; i++) {
          const res = await crm.send(gw.url, TENANT_A, textMessage(`c${c}-${i}`, "x", contact));
          expect(res.status).toBe(202);
        }
      }),
    );
    await crm.waitFor(() => echo.calls.length >= 200, 30_000);
    for (const [c, contact] of chats.entries()) {
      const sent = echo.calls.filter((call) => call.chat.contact === contact).map((call) => call.message.id);
      expect(sent, contact).toEqual(Array.from({ length: 10 }, (_, i) => `c${c}-${i}`));
    }
  }, 60_000);

  it("starts a chat's next send only once its previous one finished, even within the chat's burst", async () => {
    const echo = createEchoGateway({ rateLimits: [{ scope: "contact", perSecond: 1, burst: 3 }] });
    let inChat = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    echo.behave(async (m) => {
      most = Math.max(most, ++inChat);
      // Held until the test lets it go: a second send of the chat would start meanwhile.
      await new Promise<void>((resolve) => gates.push(resolve));
      inChat -= 1;
      return `id-${m.queueId}`;
    });
    const { crm, gw } = await start(echo);
    for (const id of ["b1", "b2", "b3"]) await crm.send(gw.url, TENANT_A, textMessage(id, "x", "echo://burst"));
    for (let sent = 1; sent <= 3; sent++) {
      await crm.waitFor(() => gates.length === 1, 5000);
      gates.shift()!();
      await crm.waitFor(() => echo.calls.length >= Math.min(sent + 1, 3) && inChat <= 1, 5000);
    }
    await crm.waitFor(() => ["b1", "b2", "b3"].every((id) => crm.statusesOf(id).length === 1), 5000);
    expect(echo.calls.map((c) => c.message.id)).toEqual(["b1", "b2", "b3"]);
    expect(most).toBe(1);
  });

  it("stores concurrent sends in shared transactions, every one durable before its 202", async () => {
    const echo = createEchoGateway();
    const { crm, gw } = await start(echo);
    const ids = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(ids.map((id) => crm.send(gw.url, TENANT_A, textMessage(id))));
    expect(answers.map((r) => r.status)).toEqual(ids.map(() => 202));
    const stored = gw.runtime.db.$client
      .prepare("SELECT COUNT(*) AS n FROM outgoing WHERE crm_message_id LIKE 'burst-%'")
      .get();
    expect(stored).toEqual({ n: 60 });
    await crm.waitFor(() => ids.every((id) => crm.statusesOf(id).length === 1), 45_000);
    expect(new Set(echo.calls.map((c) => c.message.id)).size).toBe(60);
  }, 60_000);

  it("never hands out a send again while it still runs past its lease", async () => {
    const echo = createEchoGateway();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    echo.behave(async (m) => {
      await slow;
      return `slow-${m.queueId}`;
    });
    const { crm, gw } = await start(echo, { SWITCHBOARD_SEND_LEASE_SECONDS: "1" });
    await crm.send(gw.url, TENANT_A, textMessage("slow"));
    await crm.waitFor(() => echo.calls.length === 1);
    // Wait until the lease has expired in the database while the send is still running...
    await crm.waitFor(
      () =>
        (gw.runtime.db.$client.prepare("SELECT lease_until AS t FROM outgoing").get() as { t: number }).t <
        Date.now() - 300,
      5000,
    );
    // ...and let the worker run a few more times (another chat's message wakes it; one of the
    // same chat would wait for the running send).
    await crm.send(gw.url, TENANT_A, textMessage("other", "x", "echo://other"));
    await crm.waitFor(() => echo.calls.length === 2);
    release();
    await crm.waitFor(() => crm.statusesOf("slow").length === 1 && crm.statusesOf("other").length === 1);
    expect(echo.calls.map((c) => c.message.id)).toEqual(["slow", "other"]);
  });
});
