/**
 * @module test/bitrix24-stack — the Telegram gateway serving a Bitrix24 portal beside SalesRender,
 * with the fake Bitrix24, the fake Bot API and the CRM simulator, its Open Line 1 connected to a bot
 * through the settings slider's own form: what the Bitrix24 tests of this app share.
 */
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeTelegram, type FakeTelegram } from "@switchboard/testkit/telegram";
import { expect, vi } from "vitest";
import { telegram, type TelegramGateway } from "../gateway.js";

/** The bot connected to the portal's Open Line 1. */
export const PORTAL_BOT_TOKEN = "333333:CCbitrix-portal-token-xyz";

/** Waits until `check` gives a value (generous: loopback under a loaded CI machine). */
export const waitFor = <T>(check: () => T | undefined | false | Promise<T | undefined | false>) =>
  vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error("not yet");
      return value;
    },
    { timeout: 10_000, interval: 20 },
  );

/** A running stack; `close` stops the gateway and every fake. */
export interface Bitrix24Stack {
  tg: FakeTelegram;
  b24: FakeBitrix24;
  crm: CrmSimulator;
  gw: GatewayHandle<TelegramGateway>;
  close(): Promise<void>;
}

/** Starts the stack: installs the app into the portal and saves line 1's bot token in its slider. */
export async function startBitrix24Stack(): Promise<Bitrix24Stack> {
  const tg = await startFakeTelegram();
  tg.addBot(PORTAL_BOT_TOKEN, { username: "portal_bot" });
  const b24 = await startFakeBitrix24();
  const crm = await startCrmSimulator();
  const gw = await startGateway(telegram, {
    hosts: [salesrender, bitrix24],
    env: {
      ...conformanceEnv(crm),
      SWITCHBOARD_HOSTS: "salesrender,bitrix24",
      BITRIX24_CLIENT_ID: b24.clientId,
      BITRIX24_CLIENT_SECRET: b24.clientSecret,
      BITRIX24_OAUTH_URL: b24.url,
    },
    gatewayEnv: { apiRoot: tg.url },
    port: 0,
  });
  const install = await b24.portal.install({ install: `${gw.url}bitrix24/install` });
  expect(install.event.status).toBe(200);
  const page = await b24.portal.openSettings(1, undefined, { lang: "en" });
  const token = /name="sb_form" value="([^"]+)"/.exec(page.html)![1]!;
  const saved = await b24.portal.openSettings(1, {
    sb_form: token,
    sb_lang: "en_US",
    "settings[main][botToken]": PORTAL_BOT_TOKEN,
  });
  expect(saved.status).toBe(200);
  expect(saved.html).toContain("Settings saved");
  expect(b24.portal.connectorLine("switchboard_telegram", 1)).toMatchObject({ active: true, connected: true });
  return {
    tg,
    b24,
    crm,
    gw,
    async close() {
      await gw.stop({ timeoutMs: 1000 });
      await Promise.all([tg.close(), b24.close(), crm.close()]);
    },
  };
}
