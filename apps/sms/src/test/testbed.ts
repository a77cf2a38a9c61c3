/**
 * Test bed for the SMS gateway: a real gateway on loopback (under a base path), the CRM simulator
 * and the fake Twilio, with tenants registered and configured through the real settings route.
 */
import { startGateway, type GatewayHandle, type Tenant } from "@switchboard/core";
import { freePort, startCrmSimulator, type CrmSimulator, type PluginRef, type SendBody } from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeTwilio, type FakeAccount, type FakePhoneNumber, type FakeTwilio } from "@switchboard/testkit/twilio";
import { expect } from "vitest";
import { sms, type SmsGateway } from "../gateway.js";
import type { SmsSettings } from "../settings/form.js";

/** One configured tenant: its CRM reference and its Twilio account and number. */
export interface TestTenant {
  ref: PluginRef;
  account: FakeAccount;
  number: FakePhoneNumber;
}

/** Everything a test talks to. */
export interface SmsTestbed {
  crm: CrmSimulator;
  twilio: FakeTwilio;
  gateway: GatewayHandle<SmsGateway>;
  /** LV_PLUGIN_SELF_URI of the gateway (with a path, to prove routes live under it). */
  url: string;
  tenants: TestTenant[];
  tenant(index: number): Tenant<SmsSettings>;
  inboundUrl(index: number): string;
  statusUrl(index: number): string;
  /** Sends as the CRM (asserting 202) and returns the CRM message id. */
  send(index: number, body: Omit<SendBody, "message"> & { message: Omit<SendBody["message"], "id"> }): Promise<string>;
  /** Sends a plain text to a contact. */
  sendText(index: number, contact: string, text: string): Promise<string>;
  /** Waits until the CRM heard `status` for a message. */
  waitStatus(id: string, status: string): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Starts the bed with `tenantCount` configured tenants (different companies and accounts);
 * `options.env` adds core variables (e.g. a database file and its secret key).
 */
export async function startSmsTestbed(
  tenantCount = 1,
  options: { env?: Record<string, string> } = {},
): Promise<SmsTestbed> {
  const crm = await startCrmSimulator();
  const twilio = await startFakeTwilio();
  const port = await freePort();
  const gateway = await startGateway(sms, {
    port,
    gatewayEnv: { apiBaseUrl: twilio.url, mediaRetryDelaysMs: [10, 20, 40] },
    env: {
      ...conformanceEnv(crm),
      LV_PLUGIN_SELF_URI: `http://127.0.0.1:${port}/gw/sms/`,
      ...options.env,
    },
  });
  const url = gateway.url;
  const tenants: TestTenant[] = [];
  for (let i = 0; i < tenantCount; i++) {
    const ref = { companyId: String(1000 + i), pluginAlias: "sms", pluginId: String(10 + i) };
    expect((await crm.register(url, ref)).status).toBe(200);
    const account = twilio.addAccount();
    const number = twilio.addPhoneNumber(account.sid, `+1415555${String(100 + i).padStart(4, "0")}`);
    const res = await crm.putSettings(url, ref, {
      main: {
        accountSid: account.sid,
        authToken: account.authToken,
        sender: number.phoneNumber,
        statusCallbacks: true,
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    tenants.push({ ref, account, number });
  }
  const tenant = (index: number): Tenant<SmsSettings> => gateway.runtime.tenants.get(tenants[index]!.ref)!;
  const bed: SmsTestbed = {
    crm,
    twilio,
    gateway,
    url,
    tenants,
    tenant,
    inboundUrl: (i) => gateway.runtime.publicUrl(`sms/inbound/${tenant(i).publicId}`),
    statusUrl: (i) => gateway.runtime.publicUrl(`sms/status/${tenant(i).publicId}`),
    async send(index, body) {
      const id = `m-${Date.now().toString(36)}-${++counter}`;
      const res = await crm.send(url, tenants[index]!.ref, { ...body, message: { ...body.message, id } });
      expect(res.status, await res.clone().text()).toBe(202);
      return id;
    },
    sendText(index, contact, text) {
      return bed.send(index, {
        chat: { id: null, contact },
        message: { content: { text, format: "text" }, attachments: [] },
      });
    },
    async waitStatus(id, status) {
      await crm.waitFor(() => crm.statusesOf(id).includes(status as "sent"), 10_000);
    },
    async stop() {
      await gateway.stop({ timeoutMs: 1000 });
      await Promise.all([crm.close(), twilio.close()]);
    },
  };
  return bed;
}

/** The `details` the gateway stored with a sent message (segments, encoding, …). */
export function sentDetails(bed: SmsTestbed, crmMessageId: string): Record<string, unknown> | undefined {
  const row = bed.gateway.runtime.db.$client
    .prepare(`SELECT details FROM outgoing WHERE crm_message_id = ?`)
    .get(crmMessageId) as { details: string | null } | undefined;
  return row?.details ? (JSON.parse(row.details) as Record<string, unknown>) : undefined;
}
