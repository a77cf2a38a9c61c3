/**
 * @module gateways/connect-portal — what a Bitrix24 admin does to connect the company's portal,
 * done through the real routes: install our app (the fake's `ONAPPINSTALL` to the Telegram
 * gateway's `bitrix24/install`, where the app registers its connector and binds its events), then
 * open the connector's settings slider on the open line and save the portal bot's token with the
 * page's own form (the gateway verifies it against the fake Bot API and switches the line on).
 */
import type { FakePortal } from "@switchboard/testkit/bitrix24";
import { BITRIX24_PORTAL, TELEGRAM_PORTAL_BOT } from "../channels.js";

/** Installs the app on the portal and connects the open line to the portal bot; throws with the gateway's answer on failure. */
export async function connectPortal(portal: FakePortal, gatewayUrl: string): Promise<void> {
  const { event } = await portal.install({ install: `${gatewayUrl}bitrix24/install` });
  if (event.status !== 200) {
    throw new Error(
      `Installing the app on the Bitrix24 portal failed: ${event.status || event.error} ${(event.answer ?? "").slice(0, 300)}`,
    );
  }
  const line = BITRIX24_PORTAL.line;
  const opened = await portal.openSettings(line);
  if (opened.status !== 200) {
    throw new Error(`Opening the Bitrix24 connector settings failed: ${opened.status} ${opened.html.slice(0, 300)}`);
  }
  const form = new URLSearchParams(hiddenInputs(opened.html));
  form.set("settings[main][botToken]", TELEGRAM_PORTAL_BOT.token);
  const saved = await portal.openSettings(line, form);
  // The app registered one connector (`switchboard_telegram`) at install.
  const connector = [...portal.state.connectors.keys()][0];
  const state = connector === undefined ? undefined : portal.connectorLine(connector, line);
  if (saved.status !== 200 || !state?.active || !state.connected) {
    throw new Error(
      `Saving the Bitrix24 line's settings did not connect it: ${saved.status} ${saved.html.slice(0, 300)}`,
    );
  }
}

const ENTITIES = new Map([
  ["&amp;", "&"],
  ["&lt;", "<"],
  ["&gt;", ">"],
  ["&quot;", '"'],
  ["&#39;", "'"],
]);

/** The hidden inputs of the settings page (core renders them as `<input type="hidden" name="…" value="…">`). */
export function hiddenInputs(html: string): Array<[string, string]> {
  const decode = (value: string) =>
    value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES.get(entity) ?? entity);
  return [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [
    decode(m[1]!),
    decode(m[2]!),
  ]);
}
