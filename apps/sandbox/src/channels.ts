/**
 * @module channels — the sandbox's channels (one per gateway of `gateways/list.ts`), the simulated
 * company and the fake accounts its gateways are configured with. None of these is a real credential.
 */
import type { PluginRef } from "@switchboard/testkit";

/** A channel the sandbox runs a gateway for: the gateway's name in `gateways/list.ts`. */
export type Channel = string;

/** The simulated company's plugin instance of a channel (the alias is the channel name). */
export function tenantOf(channel: Channel): PluginRef {
  return { companyId: "1", pluginAlias: channel, pluginId: "1" };
}

/** The channel a plugin reference belongs to, if it is one of `channels`. */
export function channelOf(ref: PluginRef | undefined, channels: readonly Channel[]): Channel | undefined {
  const alias = ref?.pluginAlias;
  return channels.find((c) => c === alias);
}

/** The CRM a Telegram bot's chats are answered from. */
export type CrmHost = "salesrender" | "bitrix24";

/** A bot of the company on the fake Bot API. */
export interface TelegramBot {
  token: string;
  username: string;
  firstName: string;
  /** Which CRM its chats reach: a bot's webhook serves one tenant of the gateway. */
  host: CrmHost;
}

/** The company's bot on the fake Bot API, answered from the SalesRender inbox. */
export const TELEGRAM_BOT: TelegramBot = {
  token: "7000000001:SANDBOX-fake-bot-token-not-a-secret",
  username: "sandbox_shop_bot",
  firstName: "Sandbox Shop",
  host: "salesrender",
};

/** The company's second bot, connected to the Bitrix24 portal's open line (a line is a tenant of its own). */
export const TELEGRAM_PORTAL_BOT: TelegramBot = {
  token: "7000000002:SANDBOX-fake-portal-bot-token-not-a-secret",
  username: "sandbox_portal_bot",
  firstName: "Sandbox Shop on Bitrix24",
  host: "bitrix24",
};

/** The company's account and number on the fake Twilio. */
export const TWILIO_ACCOUNT = {
  accountSid: "AC5a4db0c0000000000000000000000001",
  authToken: "sandbox-fake-twilio-auth-token",
  number: "+15005550006",
} as const;

/** The company's SMTP account (the sink) and the address customers write to. */
export const MAIL_ACCOUNT = {
  user: "shop",
  password: "sandbox-fake-smtp-password",
  address: "shop@sandbox.test",
  from: "Sandbox Shop <shop@sandbox.test>",
  defaultSubject: "Message from Sandbox Shop",
} as const;

/**
 * The company's Bitrix24 portal on the fake Bitrix24 (a local app's credentials, the portal's
 * `member_id`, the open line the connector serves, the operator who answers). The member id is
 * fixed so a restarted sandbox is the same tenant (`<member_id>/<line>`) in the gateway's data.
 */
export const BITRIX24_PORTAL = {
  clientId: "local.5a4db0c0sandbox.00000001",
  clientSecret: "sandbox-fake-bitrix24-client-secret",
  memberId: "5a4db0c0000000000000000000000024",
  line: 1,
  languageId: "en",
  operatorName: "Olga Petrova",
} as const;
