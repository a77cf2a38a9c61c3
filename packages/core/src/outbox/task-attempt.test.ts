import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A } from "../test/stack.js";
import { taskAttempt } from "@switchboard/host-salesrender";

const defaults = { outboxMaxAgeMs: 86_400_000, retry: { baseMs: 1000, maxMs: 600_000 } };

describe("__task.attempt", () => {
  it("tells the retry policy in PHP's terms: failed attempts, attempts in all, seconds to the next one", () => {
    // Waits of 1, 2, 4 … 512 s (1023 s), then 142 waits of 600 s within 24 h: 153 attempts.
    expect(taskAttempt(0, defaults)).toEqual({ number: 0, limit: 153, interval: 1 });
    expect(taskAttempt(3, defaults)).toEqual({ number: 3, limit: 153, interval: 8 });
    expect(taskAttempt(40, defaults)).toEqual({ number: 40, limit: 153, interval: 600 });
    // A lifetime shorter than the first waits still allows the attempts expiry waits for.
    expect(taskAttempt(0, { outboxMaxAgeMs: 1, retry: { baseMs: 1000, maxMs: 600_000 } }).limit).toBe(3);
    // A tiny base over a long lifetime is counted, not looped through.
    expect(taskAttempt(0, { outboxMaxAgeMs: 86_400_000 * 365, retry: { baseMs: 1, maxMs: 1 } }).limit).toBe(
      86_400_000 * 365 + 1,
    );
  });

  it("every request to the CRM carries them, counting the failed attempts", async () => {
    const stack = await startStack(createEchoGateway().definition);
    try {
      stack.crm.fail({ status: 500, only: "incoming", times: 2 });
      const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
      await fetch(`${stack.gw.url}echo/webhook/${tenant.publicId}`, {
        method: "POST",
        body: JSON.stringify({ id: "t1", from: "echo://task", text: "attempts" }),
      });
      await stack.crm.waitFor(() => stack.crm.incoming.length === 1);
      const attempts = stack.crm.events
        .filter((e) => e.kind === "incoming")
        .map((e) => (e.requestBody as { __task: { attempt: unknown } }).__task.attempt);
      // The stack retries after 10, 20, 40, 80, 160 ms, then every 200 ms for 24 h.
      const limit = 6 + Math.floor((86_400_000 - 310) / 200);
      expect(attempts).toEqual([
        { number: 0, limit, interval: 1 },
        { number: 1, limit, interval: 1 },
        { number: 2, limit, interval: 1 },
      ]);
      expect(stack.crm.incoming[0]!.envelope.__task).toEqual({
        createdAt: {},
        attempt: { number: 2, limit, interval: 1 },
      });
    } finally {
      await stack.close();
    }
  });
});
