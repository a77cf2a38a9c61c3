import { salesrender, SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type GatewayHandle } from "../../server/start-gateway.js";
import { TENANT_A, tempDbPath, textMessage } from "../../test/stack.js";
import { readEchoEnv } from "./env.js";
import { echo, type EchoGateway } from "./gateway.js";

/** A fake Echo API: records what it was sent, refuses the key "wrong". */
function startFakeEcho() {
  const sent: Array<{ to: string; text: string }> = [];
  const webhooks: Array<{ url: string; secret: string }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.headers.authorization === "Bearer wrong") return res.writeHead(401).end("{}");
      const json = JSON.parse(body) as never;
      if (req.url === "/webhook") webhooks.push(json);
      if (req.url === "/send") sent.push(json);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `e-${sent.length}` }));
    });
  });
  return { server, sent, webhooks };
}

let crm: CrmSimulator;
let fake: ReturnType<typeof startFakeEcho>;
let gw: GatewayHandle<EchoGateway>;

beforeAll(async () => {
  crm = await startCrmSimulator();
  fake = startFakeEcho();
  await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
  const apiBase = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  const env = {
    ...crm.env,
    SWITCHBOARD_DB_PATH: tempDbPath(),
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    LOG_LEVEL: "silent",
  };
  const { core, gateway } = readEchoEnv({ ...env, ECHO_API_BASE: apiBase });
  gw = await startGateway(echo, { env: core, gatewayEnv: gateway, port: 0, hosts: [salesrender] });
  expect((await crm.register(gw.url, TENANT_A)).status).toBe(200);
});

afterAll(async () => {
  await gw?.stop();
  await crm?.close();
  await new Promise((resolve) => fake?.server.close(resolve));
});

const hook = async (body: unknown, secret = "s3cret") =>
  fetch(
    `${gw.url}echo/webhook/${(await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId}`,
    {
      method: "POST",
      headers: { "x-echo-secret": secret },
      body: JSON.stringify(body),
    },
  );

describe("the README's example gateway", () => {
  it("is the code core's README shows", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    for (const file of ["env.ts", "gateway.ts"]) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
      // The README imports from the package; the example, inside it, from its entry point.
      expect(readme, file).toContain(source.replace('from "../../index.js"', 'from "@switchboard/core"'));
    }
  });

  it("refuses a key the service refuses, in the CRM's language, and saves a good one", async () => {
    const refused = await crm.putSettings(gw.url, TENANT_A, { main: { apiKey: "wrong", webhookSecret: "x" } }, "ru-RU");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ main: { apiKey: ["Echo не принял этот ключ"] } });
    const saved = await crm.putSettings(gw.url, TENANT_A, { main: { apiKey: "k1", webhookSecret: "s3cret" } });
    expect(saved.status).toBe(200);
    expect(fake.webhooks.at(-1)).toEqual({
      url: `${gw.url}echo/webhook/${(await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId}`,
      secret: "s3cret",
    });
  });

  it("sends, takes a customer's reply once, refuses a wrong secret and reports a delivery", async () => {
    expect((await crm.send(gw.url, TENANT_A, textMessage("m-1"))).status).toBe(202);
    await crm.waitFor(() => crm.statusesOf("m-1").includes("sent"));
    expect(fake.sent).toEqual([{ to: "echo://alice", text: "Hello" }]);

    expect((await hook({ id: "ev-1", from: "echo://alice", text: "hi" }, "guess")).status).toBe(401);
    expect((await hook({ id: "ev-1", from: "echo://alice", text: "hi" })).status).toBe(200);
    expect((await hook({ id: "ev-1", from: "echo://alice", text: "hi" })).status).toBe(200);
    expect((await hook({ id: "ev-2", from: "echo://alice", text: "later" })).status).toBe(200);
    expect((await hook({ nonsense: true })).status).toBe(400);
    await crm.waitFor(() => crm.incoming.length === 2);
    expect(crm.incoming.map((i) => i.body.message.content?.text)).toEqual(["hi", "later"]);

    expect((await hook({ delivered: "e-1" })).status).toBe(200);
    await crm.waitFor(() => crm.statusesOf("m-1").includes("delivered"));
  });
});
