/**
 * Test bed for the SMS gateway: a real gateway on loopback (under a base path), the CRM simulator
 * and the fake Twilio, with tenants registered and configured through the real settings route.
 */
import { salesrender, SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { startGateway, type GatewayHandle, type StartGatewayOptions, type Tenant } from "@switchboard/core";
import {
  freePort,
  startTestStack,
  uniqueId,
  type CrmSimulator,
  type PluginRef,
  type SendBody,
  type StatusValue,
} from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startFakeTwilio, type FakeAccount, type FakePhoneNumber, type FakeTwilio } from "@switchboard/testkit/twilio";
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
  /** The tenant as core has it now (settings included). */
  tenant(index: number): Promise<Tenant<SmsSettings>>;
  inboundUrl(index: number): string;
  statusUrl(index: number): string;
  /** Sends as the CRM (asserting 202) and returns the CRM message id. */
  send(index: number, body: Omit<SendBody, "message"> & { message: Omit<SendBody["message"], "id"> }): Promise<string>;
  /** Sends a plain text to a contact. */
  sendText(index: number, contact: string, text: string): Promise<string>;
  /** Waits until the CRM heard `status` for a message. */
  waitStatus(id: string, status: StatusValue): Promise<void>;
  /**
   * Stops the gateway, runs `whileStopped` (e.g. edit its database file), and starts it again on
   * the same port and self URI with the core variables given, once it answers; `stop` stops it too.
   */
  restart(env: Record<string, string>, whileStopped?: () => void): Promise<GatewayHandle<SmsGateway>>;
  stop(): Promise<void>;
}

/** The settings that connect a tenant to its fake Twilio account and number, status callbacks on. */
export function twilioSettings({ account, number }: { account: FakeAccount; number: FakePhoneNumber }) {
  return {
    main: { accountSid: account.sid, authToken: account.authToken, sender: number.phoneNumber, statusCallbacks: true },
  };
}

/**
 * Starts the bed with `tenantCount` configured tenants (different companies and accounts);
 * `options.env` adds core variables (e.g. a database file and its secret key); `options.logger`
 * receives the gateway's log lines.
 */
export async function startSmsTestbed(
  tenantCount = 1,
  options: { env?: Record<string, string>; logger?: StartGatewayOptions["logger"] } = {},
): Promise<SmsTestbed> {
  const twilio = await startFakeTwilio();
  const tenants: TestTenant[] = Array.from({ length: tenantCount }, (_, i) => {
    const account = twilio.addAccount();
    const number = twilio.addPhoneNumber(account.sid, `+1415555${String(100 + i).padStart(4, "0")}`);
    return { ref: { companyId: String(1000 + i), pluginAlias: "sms", pluginId: String(10 + i) }, account, number };
  });
  const port = await freePort();
  const selfUri = `http://127.0.0.1:${port}/gw/sms/`;
  const start = (crm: CrmSimulator, env: Record<string, string> | undefined) =>
    startGateway(sms, {
      hosts: [salesrender],
      port,
      gatewayEnv: { apiBaseUrl: twilio.url, mediaRetryDelaysMs: [10, 20, 40] },
      env: { ...conformanceEnv(crm), LV_PLUGIN_SELF_URI: selfUri, ...env },
      ...(options.logger ? { logger: options.logger } : {}),
    });
  const stack = await startTestStack({
    tenants: tenants.map((t) => t.ref),
    start: (crm) => start(crm, options.env),
    settings: (i) => twilioSettings(tenants[i]!),
  });
  const { crm, gateway, url } = stack;
  const tenant = async (index: number): Promise<Tenant<SmsSettings>> =>
    (await gateway.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(tenants[index]!.ref)))!;
  // Public ids never change: the webhook URLs are known once the tenants are registered.
  const publicIds = await Promise.all(tenants.map(async (_, i) => (await tenant(i)).publicId));
  let restarted: GatewayHandle<SmsGateway> | undefined;
  const bed: SmsTestbed = {
    crm,
    twilio,
    gateway,
    url,
    tenants,
    tenant,
    inboundUrl: (i) => gateway.runtime.publicUrl(`sms/inbound/${publicIds[i]!}`),
    statusUrl: (i) => gateway.runtime.publicUrl(`sms/status/${publicIds[i]!}`),
    async send(index, body) {
      const id = uniqueId("m");
      await stack.sendAccepted(index, { ...body, message: { ...body.message, id } });
      return id;
    },
    sendText(index, contact, text) {
      return bed.send(index, {
        chat: { id: null, contact },
        message: { content: { text, format: "text" }, attachments: [] },
      });
    },
    waitStatus: stack.waitStatus,
    async restart(env, whileStopped) {
      await (restarted ?? gateway).stop({ timeoutMs: 1000 });
      whileStopped?.();
      restarted = await start(crm, env);
      // Kept-alive sockets to the stopped process fail once each; use them up first.
      await crm.waitFor(async () => (await fetch(`${selfUri}healthz`).catch(() => undefined))?.ok);
      return restarted;
    },
    async stop() {
      await restarted?.stop({ timeoutMs: 1000 });
      await stack.stop();
      await twilio.close();
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
