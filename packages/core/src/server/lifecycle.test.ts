import { afterEach, describe, expect, it } from "vitest";
import { startCrmSimulator } from "@switchboard/testkit";
import { createEchoGateway } from "../test/echo-gateway.js";
import { crashMidSend, startStack, TENANT_A, tempDbPath, textMessage, type Stack } from "../test/stack.js";

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

describe("gateway lifecycle", () => {
  it("re-delivers a message whose send was cut by a crash once its lease expires", async () => {
    // First process: its send never finishes, as if the process died mid-send.
    const first = createEchoGateway();
    first.behave(() => new Promise(() => undefined));
    const crash = await crashMidSend(first, "crash-1");
    try {
      const second = createEchoGateway();
      await crash.restart(second.definition);
      await crash.crm.waitFor(() => crash.crm.statusesOf("crash-1").length === 1, 5000);
      expect(second.calls.map((c) => [c.message.id, c.attempt])).toEqual([["crash-1", 2]]);
      expect(crash.crm.statusesOf("crash-1")).toEqual(["sent"]);
    } finally {
      await crash.close();
    }
  });

  it("on stop, lets in-flight sends finish, leaves the rest queued, and a restart sends them", async () => {
    const crm = await startCrmSimulator();
    const dbPath = tempDbPath();
    const echo = createEchoGateway();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    echo.behave(async (m) => {
      await gate;
      return `id-${m.queueId}`;
    });
    const s = await startStack(echo.definition, { crm, dbPath, env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "1" } });
    for (const id of ["s-1", "s-2", "s-3"]) await crm.send(s.gw.url, TENANT_A, textMessage(id));
    await crm.waitFor(() => echo.calls.length === 1);
    const stopping = s.gw.stop({ timeoutMs: 5000 });
    // Not ready any more, and no new connections are accepted.
    await crm.waitFor(async () => (await fetch(s.gw.url + "readyz").catch(() => undefined))?.status !== 200);
    release();
    await stopping;
    expect(echo.calls.map((c) => c.message.id)).toEqual(["s-1"]);

    const again = createEchoGateway();
    const restarted = await startStack(again.definition, {
      crm,
      dbPath,
      register: false,
      env: { LV_PLUGIN_SELF_URI: s.gw.url },
    });
    stacks.push(restarted);
    await crm.waitFor(() => ["s-1", "s-2", "s-3"].every((id) => crm.statusesOf(id).length === 1));
    expect(again.calls.map((c) => c.message.id)).toEqual(["s-2", "s-3"]);
    await crm.close();
  });

  it("refuses to start with an invalid configuration, naming the variable", async () => {
    const { loadCoreConfig } = await import("../env.js");
    expect(() => loadCoreConfig({ LV_PLUGIN_SELF_URI: "not a url" })).toThrow(/LV_PLUGIN_SELF_URI/);
    expect(() =>
      loadCoreConfig({ LV_PLUGIN_SELF_URI: "https://x.test/p", LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "0" }),
    ).toThrow(/LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT/);
    const ok = loadCoreConfig({ LV_PLUGIN_SELF_URI: "https://x.test/plug//" });
    expect(ok.selfUri).toBe("https://x.test/plug/");
    expect(ok.basePath).toBe("/plug");
    expect(ok.hosts).toEqual(["salesrender"]);
  });
});
