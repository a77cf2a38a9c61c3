/**
 * @module gateways/provision — what a company admin would do in the CRM, done through the real
 * protocol routes: register the plugin, then save its settings (which the gateway verifies against
 * its fake: getMe + setWebhook, the Twilio account and number, an SMTP login, …).
 */
import type { CrmSimulator } from "@switchboard/testkit";
import { tenantOf } from "../channels.js";

/** Registers the company at a gateway and saves its settings; throws with the gateway's answer on failure. */
export async function provisionGateway(
  crm: CrmSimulator,
  channel: string,
  url: string,
  settings: Record<string, Record<string, unknown>>,
): Promise<void> {
  const ref = tenantOf(channel);
  const registered = await crm.register(url, ref);
  if (registered.status !== 200) {
    throw new Error(`Registering at the ${channel} gateway failed: ${registered.status} ${await registered.text()}`);
  }
  const saved = await crm.putSettings(url, ref, settings);
  if (saved.status !== 200) {
    throw new Error(`Saving the ${channel} settings failed: ${saved.status} ${await saved.text()}`);
  }
}
