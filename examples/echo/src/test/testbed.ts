/**
 * Test bed for the Echo gateway: the gateway on loopback, the CRM simulator (SalesRender's side)
 * and the fake channel, one tenant registered with its settings saved through the real settings
 * route (which registers the tenant's webhooks at the fake).
 */
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { salesrender } from "@switchboard/host-salesrender";
import { startTestStack, uniqueId, type CrmSimulator, type PluginRef, type StatusValue } from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeEcho, type FakeEcho, type FakeEchoAccount } from "../fake/fake-echo.js";
import { echoGateway, type EchoGateway } from "../gateway.js";

/** Everything a test talks to. */
export interface EchoTestbed {
  crm: CrmSimulator;
  fake: FakeEcho;
  account: FakeEchoAccount;
  gateway: GatewayHandle<EchoGateway>;
  ref: PluginRef;
  /** Sends a text to `contact` as the CRM (asserting 202) and returns the CRM message id. */
  sendText(
    contact: string,
    text: string,
    attachments?: Array<{ name: string; uri: string; type: "image" | "file" }>,
  ): Promise<string>;
  waitStatus(crmMessageId: string, status: StatusValue): Promise<void>;
  stop(): Promise<void>;
}

/** The settings that connect a tenant to its fake account. */
export function echoSettings(fake: FakeEcho, account: FakeEchoAccount) {
  return { channel: { apiUrl: fake.apiUrl, apiKey: account.apiKey, signingSecret: account.signingSecret } };
}

/** Starts the bed. */
export async function startEchoTestbed(): Promise<EchoTestbed> {
  const fake = await startFakeEcho();
  const account = fake.addAccount();
  const ref: PluginRef = { companyId: "3003", pluginAlias: "echo", pluginId: "7" };
  const stack = await startTestStack({
    tenants: [ref],
    start: (crm: CrmSimulator) =>
      startGateway(echoGateway, {
        hosts: [salesrender],
        port: 0,
        gatewayEnv: { apiDeadlineMs: 5000 },
        env: conformanceEnv(crm),
      }),
    settings: () => echoSettings(fake, account),
  });
  return {
    crm: stack.crm,
    fake,
    account,
    gateway: stack.gateway,
    ref,
    async sendText(contact, text, attachments = []) {
      const id = uniqueId("m");
      await stack.sendAccepted(0, {
        chat: { id: null, contact },
        message: { id, content: { text, format: "text" }, attachments },
      });
      return id;
    },
    waitStatus: stack.waitStatus,
    async stop() {
      await stack.stop();
      await fake.close();
    },
  };
}
