import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChannelNetworkError } from "../errors.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";
import { steadyClock } from "../worker/clock.js";

const HOUR = 3600_000;
let stack: Stack | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await stack?.close();
  stack = undefined;
});

/** Fakes only `Date` (the wall clock); timers and `performance.now()` stay real, as in an NTP step. */
function stepWallClock(byMs: number): void {
  vi.setSystemTime(Date.now() + byMs);
}

describe("wall-clock steps", () => {
  it("a steady clock ignores a wall-clock step and never goes back", () => {
    let wall = 1_000_000;
    let mono = 50;
    const clock = steadyClock({ sources: { wall: () => wall, monotonic: () => mono } });
    expect(clock.now()).toBe(1_000_000);
    mono += 10;
    wall -= HOUR;
    expect(clock.now()).toBe(1_000_010);
    wall += 25 * HOUR;
    expect(clock.now()).toBe(1_000_010);
    // Stepped back between two runs: the new run starts after what the last one stored.
    expect(steadyClock({ sources: { wall: () => 5, monotonic: () => 0 }, notBefore: 900 }).now()).toBe(900);
  });

  it("a 1 h backward step does not stall a rate-limited tenant", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const echo = createEchoGateway({ rateLimits: [{ scope: "tenant", perSecond: 20, burst: 1 }] });
    const { crm, gw } = (stack = await startStack(echo.definition));
    await crm.send(gw.url, TENANT_A, textMessage("before"));
    await crm.waitFor(() => crm.statusesOf("before").length === 1);
    stepWallClock(-HOUR);
    for (const id of ["after-1", "after-2", "after-3"]) await crm.send(gw.url, TENANT_A, textMessage(id));
    await crm.waitFor(() => ["after-1", "after-2", "after-3"].every((id) => crm.statusesOf(id).length === 1), 10_000);
    expect(echo.calls.map((c) => c.message.id)).toEqual(["before", "after-1", "after-2", "after-3"]);
  });

  it("a 25 h forward step does not expire a pending message (SWITCHBOARD_SEND_MAX_AGE_SECONDS is 24 h)", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const echo = createEchoGateway();
    let release!: () => void;
    const stepped = new Promise<void>((r) => (release = r));
    echo.behave(async (m) => {
      if (m.attempt > 1) return `ok-${m.queueId}`;
      await stepped;
      throw new ChannelNetworkError("connection reset");
    });
    const { crm, gw } = (stack = await startStack(echo.definition));
    await crm.send(gw.url, TENANT_A, textMessage("pending"));
    await crm.waitFor(() => echo.calls.length === 1);
    stepWallClock(25 * HOUR);
    release();
    await crm.waitFor(() => crm.statusesOf("pending").length === 1, 10_000);
    expect(crm.statusesOf("pending")).toEqual(["sent"]);
    expect(echo.calls.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it("a 25 h forward step does not expire a customer message waiting for the CRM", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const s = (stack = await startStack(createEchoGateway().definition, {
      env: { SWITCHBOARD_RETRY_BASE_MS: "1000", SWITCHBOARD_RETRY_MAX_MS: "1000" },
    }));
    s.crm.fail({ status: 503, times: 2 });
    const publicId = (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
    await fetch(`${s.gw.url}echo/webhook/${publicId}`, {
      method: "POST",
      body: JSON.stringify({ id: "w1", from: "echo://zoe", text: "still here?" }),
    });
    const attempts = () =>
      (s.gw.runtime.db.$client.prepare("SELECT attempts AS n FROM crm_outbox").get() as { n: number } | undefined)?.n;
    await s.crm.waitFor(() => attempts() === 1);
    stepWallClock(25 * HOUR);
    await s.crm.waitFor(() => s.crm.incoming.length === 1, 10_000);
    expect(s.crm.incoming[0]!.body.message.content?.text).toBe("still here?");
  });
});
