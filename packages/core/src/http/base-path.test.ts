import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@switchboard/testkit";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";

let stack: Stack;
let origin: string;
beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  // The CRM reaches this plugin under a path; every route must live below it.
  stack = await startStack(createEchoGateway().definition, {
    env: { LV_PLUGIN_SELF_URI: `${origin}/plugins/echo`, PORT: String(port), HOST: "127.0.0.1" },
  });
});
afterAll(() => stack.close());

describe("routes under the path of LV_PLUGIN_SELF_URI", () => {
  it("normalises the self URI and serves the protocol below its path only", async () => {
    expect(stack.gw.url).toBe(`${origin}/plugins/echo/`);
    expect((await fetch(`${origin}/plugins/echo/info`)).status).toBe(200);
    expect((await fetch(`${origin}/info`)).status).toBe(404);
    expect((await stack.crm.send(stack.gw.url, TENANT_A, textMessage("bp-1"))).status).toBe(202);
    await stack.crm.waitFor(() => stack.crm.statusesOf("bp-1").length === 1);
    // Probes answer at the root too, where orchestrators look for them.
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/plugins/echo/readyz`)).status).toBe(200);
  });
});
