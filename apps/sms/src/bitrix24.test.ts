/**
 * The SMS gateway serving a Bitrix24 portal beside SalesRender: the fake Bitrix24 installs the app
 * and saves the Twilio account in the connector's slider, a customer texts the number (fake
 * Twilio), an operator answers in the Open Line. Everything goes over loopback.
 */
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeTwilio, type FakeAccount, type FakePhoneNumber, type FakeTwilio } from "@switchboard/testkit/twilio";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sms, type SmsGateway } from "./gateway.js";

const waitFor = <T>(check: () => T | undefined | false) =>
  vi.waitFor(
    () => {
      const value = check();
      if (!value) throw new Error("not yet");
      return value;
    },
    { timeout: 10_000, interval: 20 },
  );

let twilio: FakeTwilio;
let account: FakeAccount;
let number: FakePhoneNumber;
let b24: FakeBitrix24;
let crm: CrmSimulator;
let gw: GatewayHandle<SmsGateway>;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  account = twilio.addAccount();
  number = twilio.addPhoneNumber(account.sid, "+14155559000");
  b24 = await startFakeBitrix24();
  crm = await startCrmSimulator();
  gw = await startGateway(sms, {
    hosts: [salesrender, bitrix24],
    port: 0,
    gatewayEnv: { apiBaseUrl: twilio.url, mediaRetryDelaysMs: [10, 20, 40] },
    env: {
      ...conformanceEnv(crm),
      SWITCHBOARD_HOSTS: "salesrender,bitrix24",
      BITRIX24_CLIENT_ID: b24.clientId,
      BITRIX24_CLIENT_SECRET: b24.clientSecret,
      BITRIX24_OAUTH_URL: b24.url,
    },
  });
  expect((await b24.portal.install({ install: `${gw.url}bitrix24/install` })).event.status).toBe(200);
  const page = await b24.portal.openSettings(1, undefined, { lang: "en" });
  const token = /name="sb_form" value="([^"]+)"/.exec(page.html)![1]!;
  const saved = await b24.portal.openSettings(1, {
    sb_form: token,
    sb_lang: "en_US",
    "settings[main][accountSid]": account.sid,
    "settings[main][authToken]": account.authToken,
    "settings[main][sender]": number.phoneNumber,
  });
  expect(saved.html).toContain("Settings saved");
  expect(saved.html).not.toContain(account.authToken);
});

afterAll(async () => {
  await gw?.stop({ timeoutMs: 1000 });
  await Promise.all([twilio?.close(), b24?.close(), crm?.close()]);
});

describe("SMS ↔ Bitrix24 Open Lines", () => {
  it("a customer's SMS reaches the Open Line, and the operator's answer goes out as plain text", async () => {
    const tenant = (await gw.runtime.tenants.byKey("bitrix24", `${encodeURIComponent(b24.portal.memberId)}/1`))!;
    const inbound = twilio.inboundParams({
      accountSid: account.sid,
      from: "+14155550777",
      to: number.phoneNumber,
      body: "Where is my order?",
    });
    const res = await twilio.sendInbound(
      gw.runtime.publicUrl(`sms/inbound/${tenant.publicId}`),
      inbound,
      account.authToken,
    );
    expect(res.status).toBe(200);
    const received = await waitFor(() => b24.portal.messages({ line: 1 }).find((m) => m.text === "Where is my order?"));
    expect(received.chatId).toBe("+14155550777");

    const said = await b24.portal.operatorSays(1, received.chatId, "[b]Your order[/b] ships today");
    const create = await waitFor(() => twilio.messageCreates().find((r) => r.form.get("To") === "+14155550777"));
    expect(create.form.get("Body")).toBe("Klaus Weber:\nYour order ships today");
    await waitFor(() => b24.portal.delivered(said.imMessageId));
  });
});
