/**
 * Every gateway that declares itself in its own package (examples/echo, and what `turbo gen gateway`
 * writes once it is in `gateways/list.ts`) works in the running sandbox: a customer's message on
 * the shared chat page reaches the inbox, the inbox's answer reaches the fake channel, and the
 * channel's status webhooks move the tick (a failure with its reason). tooling/scripts/check-generator.sh
 * runs this file with a generated gateway added to the list.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isChatGateway } from "../gateways/chat-gateway.js";
import { SANDBOX_GATEWAYS } from "../gateways/list.js";
import { startSandbox, type Sandbox } from "../sandbox.js";

let sandbox: Sandbox;
let dataDir: string;
const url = (path: string) => `http://127.0.0.1:${sandbox.port}/${path}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sandbox-chat-"));
  sandbox = await startSandbox(
    { port: 0, gatewayPorts: new Map(), dataDir, logLevel: "error" },
    { inherited: process.env },
  );
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const post = (path: string, body: Record<string, string>, as: "form" | "json" = "json") => {
  if (as === "json")
    return fetch(url(path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) form.append(name, value);
  return fetch(url(path), { method: "POST", body: form });
};
const get = async (path: string): Promise<any> => (await fetch(url(path))).json();
const until = <T>(predicate: () => T | Promise<T>) => waitFor(predicate, { timeoutMs: 20_000, intervalMs: 50 });

describe("gateways declared in their packages", { timeout: 60_000 }, () => {
  it("include the example Echo gateway, listed in /api/info with their pages", async () => {
    const info = await get("api/info");
    expect(info.channels.map((c: any) => c.channel)).toEqual(SANDBOX_GATEWAYS.map((g) => g.name));
    expect(sandbox.channels.filter((c) => c.page === "chat.html").map((c) => c.name)).toContain("echo");
    const page = await fetch(url("customer/echo"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/assets/chat.js");
  });

  it("answer bad input with {code, message}", async () => {
    expect((await post("api/chat/echo/send", { contact: "fay", text: "  " }, "form")).status).toBe(400);
    expect((await post("api/chat/echo/send", { contact: " ", text: "hi" }, "form")).status).toBe(400);
    expect(await (await post("api/chat/echo/messages/nope/status", { status: "read" })).json()).toMatchObject({
      code: 404,
    });
  });

  for (const name of SANDBOX_GATEWAYS.filter(isChatGateway).map((g) => g.name)) {
    it(`${name}: a customer's message reaches the inbox, the answer the fake channel, and its statuses the tick`, async () => {
      expect(sandbox.channels.find((c) => c.name === name)?.page).toBe("chat.html");
      const contact = `fay-${name}`;
      const sent = await post(
        `api/chat/${name}/send`,
        { contact, name: "Fay Lin", text: `Is the ${name} shop open?` },
        "form",
      );
      expect(sent.status).toBe(201);
      const chat = await until(async () =>
        ((await get("api/conversations")) as any[]).find((c) => c.channel === name && c.contact === contact),
      );
      expect(chat.name).toBe("Fay Lin");
      expect((await get(`api/conversations/${chat.id}`)).messages[0]).toMatchObject({
        direction: "in",
        text: `Is the ${name} shop open?`,
      });

      expect((await post(`api/conversations/${chat.id}/messages`, { text: "Until 8 pm", format: "text" })).status).toBe(
        202,
      );
      const reply = await until(async () =>
        ((await get(`api/chat/${name}/thread?contact=${contact}`)).messages as any[]).find(
          (m) => m.from === "company" && m.text === "Until 8 pm",
        ),
      );
      const out = async () =>
        ((await get(`api/conversations/${chat.id}`)).messages as any[]).find((m) => m.direction === "out");
      await until(async () => (await out())?.status === "sent");
      expect((await post(`api/chat/${name}/messages/${reply.id}/status`, { status: "delivered" })).status).toBe(204);
      await until(async () => (await out())?.status === "delivered");
      expect((await post(`api/chat/${name}/messages/${reply.id}/status`, { status: "failed" })).status).toBe(204);
      const failed = await until(async () => ((await out())?.status === "error" ? out() : undefined));
      expect(failed.reason).toContain("could not show the message");
      expect((await post(`api/chat/${name}/messages/${reply.id}/status`, { status: "lost" })).status).toBe(400);
    });
  }
});
