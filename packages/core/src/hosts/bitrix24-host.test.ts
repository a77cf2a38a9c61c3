/**
 * Core's echo gateway serving a Bitrix24 portal beside SalesRender, over loopback against the fake
 * Bitrix24: the whole host seam (routes, the settings pipeline, the send queue, the outbox, signed
 * file links) with the real Bitrix24 host.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChannelRefusedError } from "../errors.js";
import { startGateway, type GatewayHandle } from "../server/start-gateway.js";
import { createEchoGateway, type EchoGateway } from "../test/echo-gateway.js";

const waitFor = <T>(check: () => T | undefined | false) =>
  vi.waitFor(
    () => {
      const value = check();
      if (!value) throw new Error("not yet");
      return value;
    },
    { timeout: 10_000, interval: 20 },
  );

let echo: EchoGateway;
let b24: FakeBitrix24;
let crm: CrmSimulator;
let gw: GatewayHandle;

const form = (token: string, apiKey: string) => ({
  sb_form: token,
  sb_lang: "en_US",
  "settings[main][apiKey]": apiKey,
});
const tokenOf = (html: string) => /name="sb_form" value="([^"]+)"/.exec(html)![1]!;

beforeAll(async () => {
  echo = createEchoGateway();
  b24 = await startFakeBitrix24();
  crm = await startCrmSimulator();
  gw = await startGateway(echo.definition, {
    hosts: [salesrender, bitrix24],
    port: 0,
    env: {
      ...crm.env,
      SWITCHBOARD_DB_PATH: ":memory:",
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      SWITCHBOARD_RETRY_BASE_MS: "10",
      SWITCHBOARD_RETRY_MAX_MS: "200",
      LOG_LEVEL: "silent",
      SWITCHBOARD_HOSTS: "salesrender,bitrix24",
      BITRIX24_CLIENT_ID: b24.clientId,
      BITRIX24_CLIENT_SECRET: b24.clientSecret,
      BITRIX24_OAUTH_URL: b24.url,
    },
  });
  expect((await b24.portal.install({ install: `${gw.url}bitrix24/install` })).event.status).toBe(200);
});

afterAll(async () => {
  await gw?.stop({ timeoutMs: 1000 });
  await Promise.all([b24?.close(), crm?.close()]);
});

describe("the echo gateway on a Bitrix24 portal", () => {
  it("saves the slider's settings through the gateway's verifySettings, refusals next to the field", async () => {
    const page = await b24.portal.openSettings(1, undefined, { lang: "en" });
    expect(page.html).toContain("Echo settings");
    const refused = await b24.portal.openSettings(1, form(tokenOf(page.html), "wrong"));
    expect(refused.html).toContain("The service refused this key");
    expect(b24.calls("imconnector.activate")).toHaveLength(0);
    const saved = await b24.portal.openSettings(1, form(tokenOf(refused.html), "key-1"));
    expect(saved.html).toContain("Settings saved");
    expect(saved.html).not.toContain("key-1");
    expect(b24.portal.connectorLine("switchboard_echo", 1)).toMatchObject({ active: true, connected: true });
  });

  it("relays the operator's message to the channel in its format, then reports it delivered", async () => {
    const said = await b24.portal.operatorSays(1, "echo-user-1", "Hello [i]there[/i]");
    const sent = await waitFor(() => echo.calls.find((m) => m.message.id === String(said.imMessageId)));
    expect(sent.chat.contact).toBe("echo-user-1");
    expect(sent.message.content).toEqual({ text: "**Klaus Weber:**\nHello *there*", format: "markdown" });
    await waitFor(() => b24.portal.delivered(said.imMessageId));
    expect(b24.portal.deliveries(said.imMessageId)[0]!.messageIds).toEqual([`echo-${sent.queueId}`]);
  });

  it("serves the operator's file through a signed link of ours", async () => {
    const said = await b24.portal.operatorSays(1, "echo-user-1", "", [
      { name: "a.txt", bytes: new TextEncoder().encode("file bytes"), contentType: "text/plain" },
    ]);
    const sent = await waitFor(() => echo.calls.find((m) => m.message.id === String(said.imMessageId)));
    const link = sent.message.attachments[0]!;
    expect(link.uri.startsWith(gw.url)).toBe(true);
    const res = await fetch(link.uri);
    expect(await res.text()).toBe("file bytes");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("turns a send the channel refuses into a notice to the operator", async () => {
    echo.behave(async () => {
      throw new ChannelRefusedError("Echo: the customer left", { permanent: true });
    });
    const said = await b24.portal.operatorSays(1, "echo-user-2", "Anyone?");
    const notice = await waitFor(() => b24.portal.systemMessages(said.imChatId)[0]);
    expect(notice.message).toContain("Echo: the customer left");
    expect(b24.portal.delivered(said.imMessageId)).toBe(false);
    echo.behave(async (m) => `echo-${m.queueId}`);
  });

  it("forwards customers' messages to the Open Line, those due together in one send.messages", async () => {
    const tenant = (await gw.runtime.tenants.byKey("bitrix24", `${encodeURIComponent(b24.portal.memberId)}/1`))!;
    const post = (from: string, text: string) =>
      fetch(`${gw.url}echo/webhook/${tenant.publicId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from, text }),
      });
    const before = b24.calls("imconnector.send.messages").length;
    const answers = await Promise.all([post("echo-user-3", "one"), post("echo-user-4", "two")]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await waitFor(
      () => b24.portal.messages({ line: 1 }).filter((m) => m.text === "one" || m.text === "two").length === 2,
    );
    expect(b24.calls("imconnector.send.messages").length - before).toBeLessThanOrEqual(2);
  });
});
