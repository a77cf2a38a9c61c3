import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePortalCost } from "./bitrix24-portal-cost.js";

const ICON = { DATA_IMAGE: "data:image/svg+xml,%3Csvg%20xmlns%3D%22http://www.w3.org/2000/svg%22/%3E" };

describe("measurePortalCost against the fake portal", () => {
  let b24: FakeBitrix24;
  let token: string;
  const rest = async (method: string, params: Record<string, unknown>) => {
    const res = await fetch(`${b24.restUrl}${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth: token, ...params }),
    });
    return (await res.json()) as { result?: unknown };
  };

  beforeAll(async () => {
    b24 = await startFakeBitrix24({ portal: { lines: [1] } });
    // Nothing listens there: the install event fails, the portal still counts the app installed.
    token = (await b24.portal.install({ install: "http://127.0.0.1:9/install" })).tokens.accessToken;
    await rest("imconnector.register", { ID: "bench_conn", NAME: "Bench", ICON, PLACEMENT_HANDLER: "http://x/" });
    await rest("imconnector.activate", { CONNECTOR: "bench_conn", LINE: 1, ACTIVE: 1 });
    await rest("imconnector.connector.data.set", { CONNECTOR: "bench_conn", LINE: 1, DATA: { id: "bench" } });
  });
  afterAll(() => b24.close());

  it("posts the calls one at a time, each element accepted into the line, and answers their cost", async () => {
    const cost = await measurePortalCost(
      { s: { b24 }, line: { portal: b24.portal, line: 1 }, connector: "bench_conn" },
      5,
      3,
    );
    expect(cost).toMatchObject({ calls: 5, messagesPerCall: 3 });
    expect(cost.msPerCall).toBeGreaterThan(0);
    expect(cost.callsPerSecond).toBeCloseTo(1000 / cost.msPerCall, 6);
    expect(cost.cpuUsPerCall).toBeGreaterThan(0);
    // 20 warm-up calls and the 5 measured, 3 elements each, each in its own probe chat.
    const received = b24.portal.messages({ line: 1 });
    expect(received).toHaveLength(25 * 3);
    expect(new Set(received.map((m) => m.chatId))).toEqual(new Set(["probe-0", "probe-1", "probe-2"]));
    expect(b24.calls("imconnector.send.messages").every((c) => c.status === 200)).toBe(true);
  });

  it("fails, saying what the portal answered, when the portal refuses the call", async () => {
    await expect(
      measurePortalCost({ s: { b24 }, line: { portal: b24.portal, line: 2 }, connector: "bench_conn" }, 1, 1),
    ).rejects.toThrow(/the fake portal answered 400/);
  });
});
