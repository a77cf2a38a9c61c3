import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markerIn } from "./bitrix24-checks.js";
import { buildOperatorEvents, operatorWords } from "./bitrix24-setup.js";

const ICON = { DATA_IMAGE: "data:image/svg+xml,%3Csvg%20xmlns%3D%22http://www.w3.org/2000/svg%22/%3E" };
// Nothing listens there: an event posted to it would fail, so none may be posted.
const HANDLER = "http://127.0.0.1:9/bitrix24/events";

describe("buildOperatorEvents against the fake portal", () => {
  let b24: FakeBitrix24;

  beforeAll(async () => {
    b24 = await startFakeBitrix24({ portal: { lines: [1] } });
    const token = (await b24.portal.install({ install: "http://127.0.0.1:9/install" })).tokens.accessToken;
    const rest = (method: string, params: Record<string, unknown>) =>
      fetch(`${b24.restUrl}${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ auth: token, ...params }),
      }).then((r) => r.json());
    await rest("imconnector.register", { ID: "bench_conn", NAME: "Bench", ICON, PLACEMENT_HANDLER: "http://x/" });
    await rest("imconnector.activate", { CONNECTOR: "bench_conn", LINE: 1, ACTIVE: 1 });
    await rest("event.bind", { event: "ONIMCONNECTORMESSAGEADD", handler: HANDLER });
  });
  afterAll(() => b24.close());

  it("has the portal build each operator message's event without posting it, spread over the customers", async () => {
    const before = b24.events.length;
    const { events, fakeCpuUsPerEvent } = await buildOperatorEvents(
      { s: { b24 }, line: { portal: b24.portal, line: 1 }, contacts: ["chat-a", "chat-b"] },
      "p",
      3,
    );
    expect(before).toBeGreaterThan(0);
    expect(events.map((e) => [e.url, e.marker, e.words])).toEqual([
      [HANDLER, "p0", operatorWords("p0")],
      [HANDLER, "p1", operatorWords("p1")],
      [HANDLER, "p2", operatorWords("p2")],
    ]);
    expect(new Set(events.map((e) => e.imMessageId)).size).toBe(3);
    const forms = events.map((e) => new URLSearchParams(e.body));
    expect(forms.map((f) => f.get("event"))).toEqual(Array(3).fill("ONIMCONNECTORMESSAGEADD"));
    expect(forms.map((f) => f.get("data[MESSAGES][0][chat][id]"))).toEqual(["chat-a", "chat-b", "chat-a"]);
    expect(forms.map((f) => markerIn(f.get("data[MESSAGES][0][message][text]") ?? ""))).toEqual(["p0", "p1", "p2"]);
    expect(forms.every((f) => f.get("auth[application_token]") === b24.portal.applicationToken)).toBe(true);
    expect(fakeCpuUsPerEvent).toBeGreaterThan(0);
    // Drop mode is over and the fake's own record of the events is let go (the bench keeps the bodies).
    expect(b24.state.dropEvents).toBe(false);
    expect(b24.events).toHaveLength(0);
  });
});
