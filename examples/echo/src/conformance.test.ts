/**
 * The shared conformance suite against the Echo gateway and its fake channel: every CRM host
 * (SalesRender, Bitrix24) on both stores (SQLite, PostgreSQL).
 */
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import {
  conformanceEnv,
  runConformanceSuite,
  type ChannelStatus,
  type TenantIndex,
  type WebhookCredentials,
} from "@switchboard/testkit/conformance";
import { startFakeEcho, type FakeEcho, type FakeEchoAccount } from "./fake/fake-echo.js";
import { echoGateway, type EchoGateway } from "./gateway.js";
import { WEBHOOK_BODY_LIMIT } from "./webhook/paths.js";

let fake: FakeEcho;
let gateway: GatewayHandle<EchoGateway>;
let accounts: FakeEchoAccount[] = [];
/** Every suite message comes from this one customer, with this name. */
const CUSTOMER = "customer-42";
const CUSTOMER_NAME = "Ann";
/** The channel's word for each status the suite asks for. */
const CHANNEL_STATUS = new Map<ChannelStatus, string>([
  ["delivered", "delivered"],
  ["read", "read"],
  ["error", "failed"],
]);

/** The secret a webhook request is signed with (`null`: no signature header). */
function signingSecret(tenant: TenantIndex, credentials: WebhookCredentials): string | null {
  if (credentials === "missing") return null;
  if (credentials === "wrong") return "not-the-secret";
  return accounts[credentials === "other-tenant" ? (tenant === 0 ? 1 : 0) : tenant]!.signingSecret;
}

function account(tenant: TenantIndex): FakeEchoAccount {
  return accounts[tenant]!;
}

function urls(tenant: TenantIndex) {
  const webhooks = account(tenant).webhooks;
  if (!webhooks) throw new Error(`tenant ${tenant}'s settings registered no webhooks at the fake`);
  return webhooks;
}

async function accepted(res: Response): Promise<void> {
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`);
}

runConformanceSuite({
  name: "echo",
  async start(crm) {
    fake = await startFakeEcho();
    accounts = [fake.addAccount(), fake.addAccount()];
    gateway = await startGateway(echoGateway, {
      hosts: [salesrender, bitrix24],
      port: 0,
      gatewayEnv: { apiDeadlineMs: 5000 },
      env: conformanceEnv(crm),
    });
    return {
      gatewayUrl: gateway.url,
      async stop() {
        await gateway.stop({ timeoutMs: 1000 });
        await fake.close();
      },
    };
  },
  validSettings: (tenant) => ({
    channel: { apiUrl: fake.apiUrl, apiKey: account(tenant).apiKey, signingSecret: account(tenant).signingSecret },
  }),
  contact: "customer-7",
  customerName: CUSTOMER_NAME,
  sentTexts: (tenant) => fake.messages.filter((m) => m.apiKey === account(tenant).apiKey).map((m) => m.text),
  async sentFiles(tenant) {
    // The channel downloads each attachment's link when it sends: the suite fetches them as it would.
    const links = fake.messages.filter((m) => m.apiKey === account(tenant).apiKey).flatMap((m) => m.attachments);
    return Promise.all(
      links.map(async (file) => ({
        name: file.name,
        data: new Uint8Array(await (await fetch(file.url)).arrayBuffer()),
      })),
    );
  },
  failNextSend(kind) {
    fake.failNext(kind === "permanent" ? { status: 400, error: "unknown recipient" } : { status: 503 });
  },
  async deliverIncoming(tenant, text) {
    await accepted(await fake.deliverMessage(account(tenant), { from: CUSTOMER, name: CUSTOMER_NAME, text }));
  },
  webhook: {
    authentication: "signature",
    maxBytes: WEBHOOK_BODY_LIMIT,
    message(tenant, text, credentials = "valid") {
      // One event id, posted again as it is: the channel redelivering the same event.
      const body = fake.customerMessage({ from: CUSTOMER, name: CUSTOMER_NAME, text });
      return () => fake.post(urls(tenant).messages, body, signingSecret(tenant, credentials));
    },
    status(tenant, sentText, status, credentials = "valid") {
      const message = fake.messages.find((m) => m.apiKey === account(tenant).apiKey && m.text.includes(sentText));
      if (!message)
        throw new Error(`the channel took no message with ${JSON.stringify(sentText)} for tenant ${tenant}`);
      const body = {
        messageId: message.id,
        status: CHANNEL_STATUS.get(status),
        ...(status === "error" ? { reason: "the recipient blocked the sender" } : {}),
      };
      return () => fake.post(urls(tenant).statuses, body, signingSecret(tenant, credentials));
    },
  },
  async deliverAttachment(tenant, text, file) {
    const url = fake.putFile(account(tenant), file.data, file.contentType);
    await accepted(
      await fake.deliverMessage(account(tenant), {
        from: CUSTOMER,
        name: CUSTOMER_NAME,
        text,
        attachments: [{ url, name: file.name, contentType: file.contentType }],
      }),
    );
  },
});
