/**
 * @module gateways/gateway-env — the environment each gateway process gets: core's variables
 * (public URL, port, SQLite file under the data folder, the simulated CRM as token issuer) and its
 * channel's variables pointing at the fakes (for Telegram, also both CRM hosts and the fake Bitrix24).
 */
import { join } from "node:path";
import { BITRIX24_PORTAL, MAIL_ACCOUNT, type Channel } from "../channels.js";

/** What the environments are built from. */
export interface GatewayEnvInput {
  channel: Channel;
  port: number;
  dataDir: string;
  logLevel: string;
  /** The CRM simulator's issuer variables (`crm.env`). */
  crmEnv: Record<string, string>;
  /** The fakes: Bot API root, Twilio base URL, the email gateway's inbound SMTP port, the fake Bitrix24's OAuth URL. */
  fakes: { telegramApiRoot: string; twilioBaseUrl: string; smtpInboundPort: number; bitrix24OAuthUrl: string };
  /** Inherited variables (PATH…); the sandbox's own values win over them. */
  inherited?: Record<string, string | undefined>;
}

/** The public base URL of a gateway on loopback (trailing slash, as core normalises it). */
export function gatewayUrl(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

/** The full environment of one gateway process. */
export function gatewayEnv(input: GatewayEnvInput): Record<string, string | undefined> {
  const core: Record<string, string> = {
    ...input.crmEnv,
    LV_PLUGIN_SELF_URI: gatewayUrl(input.port),
    PORT: String(input.port),
    HOST: "127.0.0.1",
    SWITCHBOARD_DB_PATH: join(input.dataDir, `${input.channel}.sqlite`),
    // Attachments come from the sandbox and the fakes, all on loopback.
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    LOG_LEVEL: input.logLevel,
    // Ctrl-C should not wait long for sends to a fake.
    SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: "3000",
  };
  const channel: Record<Channel, Record<string, string>> = {
    telegram: {
      TELEGRAM_API_ROOT: input.fakes.telegramApiRoot,
      // The Telegram gateway serves both CRMs: the SalesRender inbox and the Bitrix24 portal.
      SWITCHBOARD_HOSTS: "salesrender,bitrix24",
      BITRIX24_CLIENT_ID: BITRIX24_PORTAL.clientId,
      BITRIX24_CLIENT_SECRET: BITRIX24_PORTAL.clientSecret,
      BITRIX24_OAUTH_URL: input.fakes.bitrix24OAuthUrl,
    },
    sms: { TWILIO_API_BASE_URL: input.fakes.twilioBaseUrl },
    email: {
      SMTP_INBOUND_PORT: String(input.fakes.smtpInboundPort),
      SMTP_INBOUND_HOST: "127.0.0.1",
      // The company's SMTP account is the sandbox's sink on loopback.
      SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true",
      // The sandbox owns its made-up domain; no DNS record can prove it.
      SMTP_INBOUND_VERIFIED_DOMAINS: MAIL_ACCOUNT.address.split("@")[1]!,
      // No DNS to ask on a machine without network: SPF/DKIM/DMARC lookups would only wait.
      SMTP_INBOUND_SENDER_CHECKS: "false",
    },
  };
  return { ...withoutGatewayVariables(input.inherited ?? {}), ...core, ...channel[input.channel] };
}

/** Drops inherited variables meant for a single gateway, so a shell's PORT or DB path cannot leak into all three. */
function withoutGatewayVariables(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const drop =
    /^(PORT|HOST|LV_PLUGIN_.*|SWITCHBOARD_DB_PATH|SWITCHBOARD_FILES_DIR|SWITCHBOARD_HOSTS|TELEGRAM_.*|TWILIO_.*|SMTP_INBOUND_.*|BITRIX24_.*)$/;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !drop.test(name)));
}
