/**
 * @module channels/channel-rig — what the deploy test needs of a channel: the fake the bundle talks
 * to, the variables and settings that point it there, and one message each way through it.
 */
import type { CrmSimulator, PluginRef } from "@switchboard/testkit";

/** Where the bundle under test is and who it serves. */
export interface RunningGateway {
  crm: CrmSimulator;
  /** The bundle's base URL (`LV_PLUGIN_SELF_URI`). */
  url: string;
  ref: PluginRef;
}

/** One channel's fake and how to drive a message through it. */
export interface ChannelRig {
  /** The gateway's own variables that point it at the fake (its env.ts reads them). */
  env: Record<string, string>;
  /** The tenant's settings, saved through the real settings route. */
  settings: Record<string, Record<string, unknown>>;
  /** Sends `text` as the CRM and resolves once the fake holds it, as the customer would see it. */
  sendToCustomer(gateway: RunningGateway, crmMessageId: string, text: string): Promise<void>;
  /** Has the customer write `text` through the channel; resolves once the CRM got it. */
  receiveFromCustomer(gateway: RunningGateway, text: string): Promise<void>;
  close(): Promise<void>;
}

/** Sends as the CRM and throws with the gateway's answer unless it is 202. */
export async function sendAccepted(
  gateway: RunningGateway,
  body: { contact: string; crmMessageId: string; text: string },
): Promise<void> {
  const res = await gateway.crm.send(gateway.url, gateway.ref, {
    chat: { id: null, contact: body.contact },
    message: { id: body.crmMessageId, content: { text: body.text, format: "text" }, attachments: [] },
  });
  if (res.status !== 202) throw new Error(`send answered ${res.status}: ${await res.text()}`);
}

/** Waits until the CRM got an incoming message whose text contains `text`. */
export async function waitForIncoming(gateway: RunningGateway, text: string): Promise<void> {
  await gateway.crm.waitFor(
    () => gateway.crm.incoming.some((r) => r.body.message.content?.text.includes(text)),
    20_000,
  );
}
