import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it } from "vitest";
import { parseChatMessage } from "@switchboard/host-salesrender";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, textMessage, type Stack } from "../test/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("send queue fairness", () => {
  it("a tenant whose sends hang holds its own cap of slots; another tenant's messages all go out meanwhile", async () => {
    const echo = createEchoGateway();
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    const sentAt = new Map<string, number>();
    echo.behave(async (m) => {
      sentAt.set(m.message.id!, performance.now());
      if (m.chat.contact.startsWith("echo://stalled")) await stalled;
      return `id-${m.queueId}`;
    });
    const { crm, gw } = (stack = await startStack(echo.definition, {
      env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "8", SWITCHBOARD_SEND_TENANT_LIMIT: "2" },
    }));
    const stuck = Array.from({ length: 30 }, (_, i) => `a-${i}`);
    // Two chats: a chat has one send in flight at a time, the tenant its cap of two.
    for (const [i, id] of stuck.entries())
      await crm.send(gw.url, TENANT_A, textMessage(id, "x", `echo://stalled-${i % 2}`));
    await crm.waitFor(() => echo.calls.length === 2);

    const acceptedAt = new Map<string, number>();
    const healthy = Array.from({ length: 40 }, (_, i) => `b-${i}`);
    for (const id of healthy) {
      expect((await crm.send(gw.url, TENANT_B, textMessage(id))).status).toBe(202);
      acceptedAt.set(id, performance.now());
    }
    await crm.waitFor(() => healthy.every((id) => crm.statusesOf(id).length === 1), 20_000);
    // While all of that went out, tenant A still had exactly its cap in flight and nothing delivered.
    expect(echo.calls.filter((c) => c.chat.contact.startsWith("echo://stalled"))).toHaveLength(2);
    expect(stuck.filter((id) => crm.statusesOf(id).length > 0)).toHaveLength(0);
    const latencies = healthy.map((id) => sentAt.get(id)! - acceptedAt.get(id)!);
    process.stdout.write(
      `tenant B while tenant A is stalled: ${healthy.length} messages, 202 → handed to the channel, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n`,
    );

    release();
    await crm.waitFor(() => stuck.every((id) => crm.statusesOf(id).length === 1), 20_000);
  }, 60_000);

  it("serves tenants in turn, not oldest row first: a small tenant is not queued behind another's backlog", async () => {
    const echo = createEchoGateway();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    echo.behave(async (m) => {
      await gate;
      return `id-${m.queueId}`;
    });
    const { crm, gw } = (stack = await startStack(echo.definition, {
      env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "4", SWITCHBOARD_SEND_TENANT_LIMIT: "4" },
    }));
    const backlog = Array.from({ length: 60 }, (_, i) => `big-${i}`);
    await Promise.all(backlog.map((id) => crm.send(gw.url, TENANT_A, textMessage(id))));
    const small = Array.from({ length: 5 }, (_, i) => `small-${i}`);
    for (const id of small) await crm.send(gw.url, TENANT_B, textMessage(id));
    open();
    await crm.waitFor(() => [...backlog, ...small].every((id) => crm.statusesOf(id).length === 1), 30_000);
    const order = echo.calls.map((c) => c.message.id!);
    const lastSmall = Math.max(...small.map((id) => order.indexOf(id)));
    // Oldest-first would send all 60 of A's before any of B's; in turn, B's five go out within
    // the first rounds (4 already in flight, then about one of B's per one of A's).
    expect(lastSmall).toBeLessThan(4 + 2 * small.length + 4);
  }, 60_000);

  it("a tenant whose claimed batch is all rate-limited is woken when its messages fall due", async () => {
    const echo = createEchoGateway({ rateLimits: [{ scope: "tenant", perSecond: 4, burst: 1 }] });
    const { crm, gw } = (stack = await startStack(echo.definition, {
      env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "8", SWITCHBOARD_SEND_TENANT_LIMIT: "2" },
    }));
    await crm.send(gw.url, TENANT_A, textMessage("first"));
    await crm.waitFor(() => crm.statusesOf("first").length === 1);
    // In one tick (one batch, one wake-up): nothing in flight, the tenant's bucket empty, more
    // due messages than the tenant's cap, so the first claimed batch is all put back.
    const burst = ["r-1", "r-2", "r-3"];
    await Promise.all(
      burst.map(async (id, i) => {
        const parsed = parseChatMessage(textMessage(id, "x", `echo://c${i}`));
        if (!parsed.ok) throw new Error(parsed.error);
        return gw.queue.enqueue(
          (await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.id,
          parsed.value,
        );
      }),
    );
    await crm.waitFor(() => burst.every((id) => crm.statusesOf(id).length === 1), 10_000);
  });
});
