import { startGateway, type GatewayHandle } from "@switchboard/core";
import {
  CONFORMANCE_TENANTS,
  conformanceEnv,
  runConformanceSuite,
  type TenantIndex,
} from "@switchboard/testkit/conformance";
import { startFakeTwilio, type FakeAccount, type FakePhoneNumber, type FakeTwilio } from "@switchboard/testkit/twilio";
import { createSmsGateway } from "./gateway.js";

let twilio: FakeTwilio;
let gateway: GatewayHandle;
const accounts: Array<{ account: FakeAccount; number: FakePhoneNumber }> = [];

runConformanceSuite({
  name: "sms",
  async start(crm) {
    twilio = await startFakeTwilio();
    accounts.length = 0;
    for (const i of [0, 1]) {
      const account = twilio.addAccount();
      accounts.push({ account, number: twilio.addPhoneNumber(account.sid, `+1415555020${i}`) });
    }
    gateway = await startGateway(createSmsGateway({ apiBaseUrl: twilio.url, mediaRetryDelaysMs: [10] }), {
      port: 0,
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
  validSettings(tenant: TenantIndex) {
    const { account, number } = accounts[tenant]!;
    return {
      main: {
        accountSid: account.sid,
        authToken: account.authToken,
        sender: number.phoneNumber,
        statusCallbacks: true,
      },
    };
  },
  contact: "+14155552671",
  sentTexts(tenant: TenantIndex) {
    const sid = accounts[tenant]!.account.sid;
    return twilio
      .messageCreates()
      .filter((r) => r.status === 201 && r.authUser === sid)
      .map((r) => r.form.get("Body") ?? "");
  },
  failNextSend(kind) {
    twilio.failNext(
      kind === "permanent"
        ? { status: 400, code: 21211, message: "Invalid 'To' number" }
        : { status: 503, code: 20503, message: "Service unavailable" },
    );
  },
  async deliverIncoming(tenant: TenantIndex, text: string) {
    const { account, number } = accounts[tenant]!;
    const publicId = gateway.runtime.tenants.get(CONFORMANCE_TENANTS[tenant])!.publicId;
    const url = gateway.runtime.publicUrl(`sms/inbound/${publicId}`);
    const params = twilio.inboundParams({
      accountSid: account.sid,
      from: "+14155552672",
      to: number.phoneNumber,
      body: text,
    });
    const res = await twilio.sendInbound(url, params, account.authToken);
    if (res.status !== 200) throw new Error(`inbound webhook answered ${res.status}: ${await res.text()}`);
  },
});
