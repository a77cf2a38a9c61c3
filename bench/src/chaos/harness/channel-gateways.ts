/**
 * The SMS and email gateways for the bad-input run, as child processes from their dist/, each with
 * a tenant registered and configured through the real protocol routes against loopback fakes (the
 * fake Twilio, an SMTP sink as the company's SMTP account), so malformed requests reach the
 * handlers behind valid webhook ids, signatures and tokens instead of stopping at 404/401.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, registerTenant, type CrmSimulator, type PluginRef } from "@switchboard/testkit";
import { startSmtpSink, type SmtpSink } from "@switchboard/testkit/smtp";
import { startFakeTwilio, type FakeAccount, type FakeTwilio } from "@switchboard/testkit/twilio";
import { GatewayProcess } from "../../gateway/gateway-process.js";

/** The SMS tenant (its own plugin alias, so the CRM's records tell the gateways apart). */
export const SMS_TENANT: PluginRef = { companyId: "1", pluginAlias: "sms", pluginId: "2" };
/** The email tenant. */
export const EMAIL_TENANT: PluginRef = { companyId: "1", pluginAlias: "email", pluginId: "3" };

const MAIL_DOMAIN = "chaos-shop.test";
const SMTP_LOGIN = { user: "chaos-shop", password: "smtp-Pa55word-chaos-7fd1e0" };

/** A configured SMS gateway. */
export interface SmsUnderTest {
  name: "sms";
  gw: GatewayProcess;
  ref: PluginRef;
  dbPath: string;
  account: FakeAccount;
  number: string;
  /** `<self>sms/inbound/<publicId>`, as saving the settings set it at the fake Twilio. */
  inboundUrl: string;
  statusUrl: string;
}

/** A configured email gateway with its inbound SMTP server. */
export interface EmailUnderTest {
  name: "email";
  gw: GatewayProcess;
  ref: PluginRef;
  dbPath: string;
  /** The address customers write to, on a domain the operator vouches for. */
  inboundAddress: string;
  /** `<self>email/inbound/<token>`: the raw-MIME webhook, from the settings preview. */
  webhookUrl: string;
  webhookToken: string;
  smtpPort: number;
}

/** Both gateways, their fakes, and every secret that must never show in an answer. */
export interface ChannelGateways {
  sms: SmsUnderTest;
  email: EmailUnderTest;
  twilio: FakeTwilio;
  sink: SmtpSink;
  /** Credentials no answer may contain (the email webhook token is checked separately). */
  secrets: string[];
  close(): Promise<void>;
}

function spawnGateway(name: "sms" | "email", port: number, dir: string, env: Record<string, string>) {
  return GatewayProcess.spawn({
    script: fileURLToPath(new URL(`../../../../apps/${name}/dist/main.js`, import.meta.url)),
    port,
    env: {
      SWITCHBOARD_DB_PATH: join(dir, `${name}.sqlite`),
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      LOG_LEVEL: "fatal",
      ...env,
    },
  });
}

/** Starts, registers and configures the SMS and email gateways against fakes on loopback. */
export async function startChannelGateways(crm: CrmSimulator): Promise<ChannelGateways> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-chaos-channels-"));
  const twilio = await startFakeTwilio();
  const sink = await startSmtpSink({ auth: SMTP_LOGIN });
  const [smsPort, emailPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const smsGw = spawnGateway("sms", smsPort, dir, { ...crm.env, TWILIO_API_BASE_URL: twilio.url });
  const emailGw = spawnGateway("email", emailPort, dir, {
    ...crm.env,
    SMTP_INBOUND_PORT: String(smtpPort),
    SMTP_INBOUND_HOST: "127.0.0.1",
    SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true",
    SMTP_INBOUND_VERIFIED_DOMAINS: MAIL_DOMAIN,
    // SPF/DKIM/DMARC would ask DNS, and tests talk to loopback only.
    SMTP_INBOUND_SENDER_CHECKS: "false",
    // One client (this test) opens many sessions: the per-client limits must not hide the handlers.
    SMTP_INBOUND_MAX_PER_IP: "1000",
    SMTP_INBOUND_MAX_CLIENTS: "1000",
    SMTP_INBOUND_MESSAGES_PER_MINUTE: "100000",
  });
  await Promise.all([smsGw.ready(), emailGw.ready()]);

  const account = twilio.addAccount();
  const number = twilio.addPhoneNumber(account.sid, "+14155550199");
  await registerTenant(crm, smsGw.url, SMS_TENANT, {
    main: { accountSid: account.sid, authToken: account.authToken, sender: number.phoneNumber, statusCallbacks: true },
  });
  const inboundUrl = number.smsUrl;
  if (!inboundUrl?.includes("/sms/inbound/")) throw new Error(`the sms settings set no inbound webhook: ${inboundUrl}`);

  const inboundAddress = `support@${MAIL_DOMAIN}`;
  await registerTenant(crm, emailGw.url, EMAIL_TENANT, {
    smtp: {
      host: sink.host,
      port: sink.port,
      secure: false,
      allowPlaintext: true,
      user: SMTP_LOGIN.user,
      password: SMTP_LOGIN.password,
    },
    mail: { from: `Chaos Shop <${inboundAddress}>`, inboundAddress, defaultSubject: "Your order" },
  });
  const preview = await crm.request(emailGw.url, EMAIL_TENANT, "GET", "protected/preview/markdown/inbound");
  const markdown = String(((await preview.json()) as { markdown?: unknown }).markdown ?? "");
  const webhookUrl = /`(http[^`]*\/email\/inbound\/[^`]+)`/.exec(markdown)?.[1];
  if (!webhookUrl) throw new Error(`the email inbound preview shows no webhook URL: ${markdown.slice(0, 300)}`);

  return {
    sms: {
      name: "sms",
      gw: smsGw,
      ref: SMS_TENANT,
      dbPath: join(dir, "sms.sqlite"),
      account,
      number: number.phoneNumber,
      inboundUrl,
      statusUrl: inboundUrl.replace("/sms/inbound/", "/sms/status/"),
    },
    email: {
      name: "email",
      gw: emailGw,
      ref: EMAIL_TENANT,
      dbPath: join(dir, "email.sqlite"),
      inboundAddress,
      webhookUrl,
      webhookToken: webhookUrl.slice(webhookUrl.lastIndexOf("/") + 1),
      smtpPort,
    },
    twilio,
    sink,
    secrets: [account.authToken, SMTP_LOGIN.password],
    async close() {
      await Promise.all([smsGw.kill(), emailGw.kill()]);
      await Promise.all([twilio.close(), sink.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
