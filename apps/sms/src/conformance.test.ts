import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway, type GatewayHandle } from "@switchboard/core";
import {
  conformanceEnv,
  type ConformanceCrm,
  runConformanceSuite,
  type TenantIndex,
  type WebhookCredentials,
} from "@switchboard/testkit/conformance";
import {
  postSignedForm,
  startFakeTwilio,
  type FakeAccount,
  type FakePhoneNumber,
  type FakeTwilio,
  type InboundInput,
} from "@switchboard/testkit/twilio";
import { sms, type SmsGateway } from "./gateway.js";
import { twilioSettings } from "./test/testbed.js";
import { WEBHOOK_BODY_LIMIT } from "./webhook/twilio-request.js";

let twilio: FakeTwilio;
let gateway: GatewayHandle<SmsGateway>;
let crm: ConformanceCrm;
const accounts: Array<{ account: FakeAccount; number: FakePhoneNumber }> = [];
/** Every suite message comes from this one customer. */
const CUSTOMER = "+14155552672";
/** What a Twilio `MessageStatus` callback says for each CRM status the suite asks for. */
const TWILIO_STATUS = { delivered: "delivered", read: "read", error: "undelivered" } as const;

/** The tenant's inbound webhook URL, as Twilio was given it. */
async function inboundUrl(tenant: TenantIndex): Promise<string> {
  const { host, key } = crm.tenantKey(tenant);
  const publicId = (await gateway.runtime.tenants.byKey(host, key))!.publicId;
  return gateway.runtime.publicUrl(`sms/inbound/${publicId}`);
}

/** The auth token a webhook request is signed with (`null`: no signature header). */
function signingToken(tenant: TenantIndex, credentials: WebhookCredentials): string | null {
  if (credentials === "missing") return null;
  if (credentials === "wrong") return "0".repeat(32);
  return accounts[credentials === "other-tenant" ? (tenant === 0 ? 1 : 0) : tenant]!.account.authToken;
}

/** Webhook params of a message from the suite's customer to the tenant's number. */
function inboundParams(tenant: TenantIndex, input: Pick<InboundInput, "body" | "media">) {
  const { account, number } = accounts[tenant]!;
  return twilio.inboundParams({ accountSid: account.sid, from: CUSTOMER, to: number.phoneNumber, ...input });
}

runConformanceSuite({
  name: "sms",
  async start(suiteCrm) {
    crm = suiteCrm;
    twilio = await startFakeTwilio();
    accounts.length = 0;
    for (const i of [0, 1]) {
      const account = twilio.addAccount();
      accounts.push({ account, number: twilio.addPhoneNumber(account.sid, `+1415555020${i}`) });
    }
    gateway = await startGateway(sms, {
      hosts: [salesrender, bitrix24],
      port: 0,
      gatewayEnv: { apiBaseUrl: twilio.url, mediaRetryDelaysMs: [10] },
      env: conformanceEnv(crm),
    });
    return {
      gatewayUrl: gateway.url,
      async stop() {
        await gateway.stop({ timeoutMs: 1000 });
        await twilio.close();
      },
    };
  },
  validSettings: (tenant: TenantIndex) => twilioSettings(accounts[tenant]!),
  contact: "+14155552671",
  sentTexts(tenant: TenantIndex) {
    const sid = accounts[tenant]!.account.sid;
    return twilio
      .messageCreates()
      .filter((r) => r.status === 201 && r.authUser === sid)
      .map((r) => r.form.get("Body") ?? "");
  },
  async sentFiles(tenant: TenantIndex) {
    // Twilio fetches each MediaUrl when it sends the MMS: the suite fetches them as Twilio would.
    const sid = accounts[tenant]!.account.sid;
    const links = twilio
      .messageCreates()
      .filter((r) => r.status === 201 && r.authUser === sid)
      .flatMap((r) => r.form.getAll("MediaUrl"));
    return Promise.all(links.map(async (link) => ({ data: new Uint8Array(await (await fetch(link)).arrayBuffer()) })));
  },
  failNextSend(kind) {
    twilio.failNext(
      kind === "permanent"
        ? { status: 400, code: 21211, message: "Invalid 'To' number" }
        : { status: 503, code: 20503, message: "Service unavailable" },
    );
  },
  async deliverIncoming(tenant: TenantIndex, text: string) {
    const params = inboundParams(tenant, { body: text });
    const res = await twilio.sendInbound(await inboundUrl(tenant), params, accounts[tenant]!.account.authToken);
    if (res.status !== 200) throw new Error(`inbound webhook answered ${res.status}: ${await res.text()}`);
  },
  webhook: {
    authentication: "signature",
    maxBytes: WEBHOOK_BODY_LIMIT,
    message(tenant, text, credentials = "valid") {
      // One MessageSid, posted again as it is: Twilio retries the same request.
      const params = inboundParams(tenant, { body: text });
      return async () => postSignedForm(await inboundUrl(tenant), params, signingToken(tenant, credentials));
    },
    status(tenant, sentText, status, credentials = "valid") {
      const { account } = accounts[tenant]!;
      const message = twilio.messages.find((m) => m.accountSid === account.sid && m.body.includes(sentText));
      if (!message) throw new Error(`Twilio took no message with ${JSON.stringify(sentText)} for tenant ${tenant}`);
      const error = status === "error" ? { code: 30003, message: "Unreachable destination handset" } : undefined;
      const callback = twilio.statusCallback(message.sid, TWILIO_STATUS[status], error);
      return () => postSignedForm(callback.url, callback.params, signingToken(tenant, credentials));
    },
  },
  async deliverAttachment(tenant, text, file) {
    const params = inboundParams(tenant, { body: text, media: [{ contentType: file.contentType, data: file.data }] });
    const res = await twilio.sendInbound(await inboundUrl(tenant), params, accounts[tenant]!.account.authToken);
    if (res.status !== 200) throw new Error(`inbound webhook answered ${res.status}: ${await res.text()}`);
  },
});
