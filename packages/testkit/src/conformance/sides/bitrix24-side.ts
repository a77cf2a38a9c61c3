/**
 * @module conformance/sides/bitrix24-side — the Bitrix24 CRM side: two portals of the fake Bitrix24
 * install the app into the gateway, connect their Open Line 1 through the settings slider
 * (`bitrix24/settings`), the operator writes (`ONIMCONNECTORMESSAGEADD`) and the portal records what
 * the gateway sends back: customer messages (`imconnector.send.messages`), delivery marks
 * (`imconnector.send.status.delivery`) and the operator notice of a failed send (`im.message.add`).
 */
import { describe } from "vitest";
import { startFakeBitrix24, type FakeBitrix24 } from "../../fake-bitrix24/fake-bitrix24.js";
import type { PostedEvent } from "../../fake-bitrix24/fake-state.js";
import type { FakePortal } from "../../fake-bitrix24/portal-driver.js";
import type { OperatorFile } from "../../fake-bitrix24/served-files.js";
import { bitrix24ProtocolCases } from "../cases/bitrix24-protocol.js";
import type { CrmSide, CrmSideDefinition, HeardIncoming, HeardStatus } from "../crm-side.js";
import type { TenantIndex } from "../harness.js";
import type { SuiteContext } from "../suite-context.js";

/** The Open Line each suite portal connects. */
export const CONFORMANCE_LINE = 1;

/** The page's hidden inputs the settings POST must carry back. */
const FORM_TOKEN = /name="sb_form" value="([^"]+)"/;

/** The Bitrix24 side of a run, with its fake and the two portals (company A and B). */
export interface Bitrix24Side extends CrmSide {
  readonly fake: FakeBitrix24;
  readonly portals: readonly [FakePortal, FakePortal];
  /** Where the gateway's app lives (`<SELF>`), known after setUp. */
  readonly gatewayUrl: string;
  /** The connector the gateway registered (`switchboard_<gateway name>`). */
  connector(tenant: TenantIndex): string;
}

/** The Bitrix24 host: a local app with an Open Lines connector, against the fake Bitrix24. */
export const bitrix24Side: CrmSideDefinition = {
  host: "bitrix24",
  differences: { failedSend: "operator notice", distinctStatuses: false, attachmentTypes: false },
  start: startBitrix24Side,
  protocolCases(ctx: SuiteContext) {
    describe("Bitrix24 app, settings slider and events", () => bitrix24ProtocolCases(ctx));
  },
};

/** The settings as the slider's form posts them: `settings[group][field]`, a ticked checkbox `1`, an unticked one absent. */
export function settingsForm(settings: Record<string, Record<string, unknown>>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [group, fields] of Object.entries(settings)) {
    for (const [field, value] of Object.entries(fields)) {
      if (value === false || value === null || value === undefined) continue;
      form[`settings[${group}][${field}]`] = value === true ? "1" : String(value);
    }
  }
  return form;
}

/** The form token of a settings page. */
export function formToken(html: string): string {
  const match = FORM_TOKEN.exec(html);
  if (!match) throw new Error(`the settings page has no form token: ${html.slice(0, 300)}`);
  return match[1]!.replace(/&amp;/g, "&");
}

/** Posts an event again exactly as the queue server posted it. */
export function repost(event: PostedEvent): Promise<Response> {
  return fetch(event.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: event.body,
  });
}

interface SentByOperator {
  tenant: TenantIndex;
  imMessageId: number;
  imChatId: number;
  text: string;
}

async function startBitrix24Side(options: { contact: string }): Promise<Bitrix24Side> {
  // The suite sends more than the default 2 calls a second: the rate rules have their own tests.
  const fake = await startFakeBitrix24({ rateLimit: { burst: 1000, perSecond: 1000 } });
  const portals = [fake.portal, fake.addPortal()] as const;
  let gatewayUrl = "";
  const sent = new Map<string, SentByOperator>();
  const connector = (tenant: TenantIndex): string => {
    const [id] = portals[tenant].state.connectors.keys();
    if (!id) throw new Error(`portal ${tenant} has no connector registered`);
    return id;
  };
  const messagesOf = (tenant: TenantIndex) =>
    portals[tenant]
      .messages({ line: CONFORMANCE_LINE })
      .map((m) => ({ ...m, text: (m.text ?? "").replace(/\u200b/g, "") }));

  const operatorSends = async (tenant: TenantIndex, text: string, files?: OperatorFile[]) => {
    const said = await portals[tenant].operatorSays(CONFORMANCE_LINE, options.contact, text, files);
    const event = said.events[0];
    if (!event || event.status !== 200) {
      throw new Error(`bitrix24/events answered ${event?.status}: ${event?.answer ?? event?.error}`);
    }
    const id = String(said.imMessageId);
    sent.set(id, { tenant, imMessageId: said.imMessageId, imChatId: said.imChatId, text });
    return {
      id,
      async repeat() {
        const res = await repost(event);
        if (res.status !== 200) throw new Error(`bitrix24/events answered ${res.status} to a repeat`);
      },
    };
  };

  return {
    host: "bitrix24",
    fake,
    portals,
    get gatewayUrl() {
      return gatewayUrl;
    },
    connector,
    env: {
      BITRIX24_CLIENT_ID: fake.clientId,
      BITRIX24_CLIENT_SECRET: fake.clientSecret,
      BITRIX24_OAUTH_URL: fake.url,
      BITRIX24_RATE_PER_SECOND: "1000",
      BITRIX24_RATE_BURST: "1000",
    },
    tenantKey: (tenant) => ({
      host: "bitrix24",
      key: `${encodeURIComponent(portals[tenant].memberId)}/${CONFORMANCE_LINE}`,
    }),
    async preview(tenant) {
      // The slider draws every preview on the settings page.
      const page = await portals[tenant].openSettings(CONFORMANCE_LINE, undefined, { lang: "en" });
      if (page.status !== 200) throw new Error(`the settings page answered ${page.status}`);
      return page.html.replace(/&amp;/g, "&");
    },
    async setUp(url, settings) {
      gatewayUrl = url;
      for (const tenant of [0, 1] as TenantIndex[]) {
        const portal = portals[tenant];
        const install = await portal.install({ install: `${url}bitrix24/install` });
        if (install.event.status !== 200) {
          throw new Error(`Installing into portal ${tenant} answered ${install.event.status}: ${install.event.answer}`);
        }
        const page = await portal.openSettings(CONFORMANCE_LINE, undefined, { lang: "en" });
        if (page.status !== 200) throw new Error(`The settings page of portal ${tenant} answered ${page.status}`);
        const saved = await portal.openSettings(
          CONFORMANCE_LINE,
          { sb_form: formToken(page.html), sb_lang: "en_US", ...settingsForm(settings(tenant)) },
          { lang: "en" },
        );
        const line = portal.connectorLine(connector(tenant), CONFORMANCE_LINE);
        if (saved.status !== 200 || !line?.active || !line.connected) {
          throw new Error(
            `Saving valid settings of portal ${tenant} answered ${saved.status}, line ${JSON.stringify(line)}: ` +
              saved.html
                .replace(/<[^>]+>/g, " ")
                .replace(/\s+/g, " ")
                .slice(0, 600),
          );
        }
      }
    },
    send: (tenant, text) => operatorSends(tenant, text),
    sendFile: (tenant, text, file) =>
      operatorSends(tenant, text, [{ name: file.name, bytes: file.data, contentType: file.contentType }]),
    refuseNextIncoming(tenant) {
      const refused = () =>
        fake.calls("imconnector.send.messages").filter((c) => c.error === "QUERY_LIMIT_EXCEEDED").length;
      const before = refused();
      fake.failNext({
        method: "imconnector.send.messages",
        memberId: portals[tenant].memberId,
        status: 503,
        error: "QUERY_LIMIT_EXCEEDED",
        description: "Too many requests",
      });
      return () => refused() - before;
    },
    heard(id) {
      const message = sent.get(id);
      if (!message) return [];
      const portal = portals[message.tenant];
      // Bitrix24 keeps no order between the two; a notice is the last word on a message anyway.
      return [
        ...portal.deliveries(message.imMessageId).map((): HeardStatus => "delivery"),
        ...portal
          .systemMessages(message.imChatId)
          .filter((m) => m.message.includes(message.text))
          .map((): HeardStatus => "operator notice"),
      ];
    },
    expected: (statuses) => statuses.map((s) => (s === "error" ? "operator notice" : "delivery")),
    statusTenants(id) {
      const message = sent.get(id);
      if (!message) return [];
      return ([0, 1] as TenantIndex[]).flatMap((tenant) => [
        ...portals[tenant].deliveries(message.imMessageId).map(() => tenant),
        ...portals[tenant]
          .systemMessages(message.imChatId)
          .filter((m) => m.message.includes(message.text))
          .map(() => tenant),
      ]);
    },
    incoming: (): HeardIncoming[] =>
      ([0, 1] as TenantIndex[]).flatMap((tenant) =>
        messagesOf(tenant).map((m) => ({
          tenant,
          text: m.text,
          attachments: m.files.map((f) => ({ name: f.name ?? "", uri: f.url })),
        })),
      ),
    expectIncomingWire(tenant, text, customerName) {
      const found = messagesOf(tenant).filter((m) => m.text.includes(text));
      if (found.length !== 1) throw new Error(`portal ${tenant} got ${found.length} messages with ${text}`);
      const [message] = found;
      if (message!.connector !== connector(tenant)) throw new Error(`sent through connector ${message!.connector}`);
      // One customer, one dialogue: the gateway names the customer by the chat's contact.
      if (message!.userId !== message!.chatId) throw new Error(`user ${message!.userId} in chat ${message!.chatId}`);
      if (customerName !== undefined) {
        // The dialogue is named after the customer: `user.name` of the item that carried the text.
        const items = fake
          .calls("imconnector.send.messages")
          .flatMap((call) => (call.params as { MESSAGES?: Array<Record<string, unknown>> }).MESSAGES ?? []);
        const item = items.find((i) =>
          String((i.message as { text?: unknown } | undefined)?.text ?? "").includes(text),
        );
        const name = (item?.user as { name?: unknown } | undefined)?.name;
        if (name !== customerName)
          throw new Error(`the customer is named ${JSON.stringify(name)}, not ${customerName}`);
      }
      const other = messagesOf(tenant === 0 ? 1 : 0).filter((m) => m.text.includes(text));
      if (other.length) throw new Error(`the other portal got it too`);
    },
    close: () => fake.close(),
  };
}
