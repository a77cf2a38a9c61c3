import { afterEach, describe, expect, it } from "vitest";
import { startCrmSimulator, type CrmSimulator } from "../crm-simulator/simulator.js";
import type { PluginRef, SendBody } from "../crm-simulator/types.js";
import { startTinyPlugin, type TinyPlugin } from "../crm-simulator/test/tiny-plugin.js";
import { startTestStack, type TestStack } from "./test-stack.js";

const A: PluginRef = { companyId: "1001", pluginAlias: "tiny-chat", pluginId: "7" };
const B: PluginRef = { companyId: "2002", pluginAlias: "tiny-chat", pluginId: "9" };
const body: SendBody = {
  chat: { id: "c-1", contact: "tg://user?id=42", subject: null },
  message: { id: "m-1", content: { text: "Hello", format: "text" }, attachments: [] },
};

/** Whether anything still listens at `url` (a stopped server refuses the connection). */
const listening = (url: string) =>
  fetch(url).then(
    () => true,
    () => false,
  );

let stack: TestStack<TinyPlugin> | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("startTestStack", () => {
  it("registers every tenant in order and sends as the CRM for the tenant of an index", async () => {
    stack = await startTestStack({ tenants: [A, B], start: () => startTinyPlugin() });
    expect([...stack.gateway.registrations.keys()]).toEqual(["1001/tiny-chat/7", "2002/tiny-chat/9"]);
    await stack.sendAccepted(1, body);
    expect(stack.gateway.verified.at(-1)).toMatchObject({ cid: "2002", plugin: { alias: "tiny-chat", id: "9" } });
    await expect(stack.send(2, body)).rejects.toThrow(/no tenant 2/);
  });

  it("waits for a status the CRM hears", async () => {
    stack = await startTestStack({ tenants: [A], start: () => startTinyPlugin() });
    const heard = stack.waitStatus("m-9", "read");
    expect((await stack.gateway.call("status", A, { id: "m-9", status: "read" })).status).toBe(200);
    await heard;
    expect(stack.crm.statusesOf("m-9")).toEqual(["read"]);
  });

  it("a send the gateway refuses throws with its answer", async () => {
    stack = await startTestStack({ tenants: [A], start: () => startTinyPlugin() });
    // The tiny plugin checks a token's audience against its own URL: now no token is for it.
    stack.gateway.url = "http://127.0.0.1:1/elsewhere/";
    await expect(stack.sendAccepted(0, body)).rejects.toThrow(/^send answered 403: .*bad token/);
  });

  it("stops the gateway and the CRM it started; a CRM it was given keeps running", async () => {
    const own = await startTestStack({ tenants: [A], start: () => startTinyPlugin() });
    await own.stop();
    expect(await listening(own.url)).toBe(false);
    expect(await listening(own.crm.url)).toBe(false);

    const crm = await startCrmSimulator();
    try {
      const shared = await startTestStack({ crm, tenants: [], start: () => startTinyPlugin() });
      expect(shared.gateway.registrations.size).toBe(0);
      await shared.stop();
      expect(await listening(shared.url)).toBe(false);
      expect(await listening(crm.url)).toBe(true);
    } finally {
      await crm.close();
    }
  });

  it("a refused registration fails the start with the gateway's answer, and stops what it started", async () => {
    let started: { crm: CrmSimulator; plugin: TinyPlugin } | undefined;
    const start = startTestStack({
      tenants: [A],
      async start(crm) {
        const plugin = await startTinyPlugin();
        plugin.refuseRegistrations = true;
        started = { crm, plugin };
        return plugin;
      },
    });
    await expect(start).rejects.toThrow(/^registering company 1001: 403 /);
    expect(await listening(started!.plugin.url)).toBe(false);
    expect(await listening(started!.crm.url)).toBe(false);
  });

  it("settings the gateway does not save fail the start with its answer", async () => {
    // The tiny plugin has no settings route: saving answers 404.
    const start = startTestStack({ tenants: [A], start: () => startTinyPlugin(), settings: () => ({ main: {} }) });
    await expect(start).rejects.toThrow(/^saving the settings of company 1001: 404 /);
  });
});
