/**
 * @module sandbox — the whole system on one machine: the simulated CRM with its inbox, a fake
 * Bitrix24 portal with its Open Lines chats, the fake Bot API, Twilio and SMTP account, and the
 * three gateways as child processes, registered and configured through the real protocol.
 */
import { mkdirSync } from "node:fs";
import { startCrmSimulator } from "@switchboard/testkit";
import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { startSmtpSink } from "@switchboard/testkit/smtp";
import { startFakeTelegram } from "@switchboard/testkit/telegram";
import { startFakeTwilio } from "@switchboard/testkit/twilio";
import {
  BITRIX24_PORTAL,
  CHANNELS,
  MAIL_ACCOUNT,
  TELEGRAM_BOT,
  TELEGRAM_PORTAL_BOT,
  TWILIO_ACCOUNT,
  type Channel,
} from "./channels.js";
import { EmailCustomers } from "./customers/email-customers.js";
import { SmsCustomers } from "./customers/sms-customers.js";
import { TelegramCustomers } from "./customers/telegram-customers.js";
import type { SandboxConfig } from "./env.js";
import { UploadStore } from "./files/upload-store.js";
import { gatewayEnv, gatewayUrl } from "./gateways/gateway-env.js";
import { startGatewayProcess, type GatewayProcess } from "./gateways/gateway-process.js";
import { gatewayEntry } from "./gateways/locate.js";
import { resolvePorts, type SandboxPorts } from "./gateways/ports.js";
import { connectPortal } from "./gateways/connect-portal.js";
import { provisionGateway } from "./gateways/provision.js";
import { bridgeCrmToInbox } from "./inbox/crm-bridge.js";
import { readLoggedFailure } from "./inbox/gateway-log.js";
import { InboxStore } from "./inbox/inbox-store.js";
import { OpenLines } from "./portal/open-lines.js";
import { createSandboxApp } from "./web/app.js";
import { listen } from "./web/listen.js";
import { LiveHub } from "./web/live-hub.js";

/** Extra options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Environment the gateway processes inherit (PATH…). */
  inherited?: Record<string, string | undefined>;
  /** Receives each line a gateway prints. */
  onGatewayOutput?: (channel: Channel, line: string) => void;
}

/** A running sandbox. */
export interface Sandbox {
  /** The inbox: `http://localhost:<port>/`. */
  url: string;
  port: number;
  gatewayUrls: Record<Channel, string>;
  smtpInboundPort: number;
  crmUrl: string;
  /** The fake Bitrix24 cloud; `bitrix24.portal` is the company's portal the Bitrix24 view shows. */
  bitrix24: FakeBitrix24;
  /** Stops the gateways (SIGTERM), the web server, the fakes and the CRM. */
  stop(): Promise<void>;
}

/** Starts everything; on failure, whatever did start is stopped again before the error is thrown. */
export async function startSandbox(config: SandboxConfig, options: SandboxOptions = {}): Promise<Sandbox> {
  const cleanups: Array<() => unknown> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const ports = await resolvePorts(config);
    const crm = await startCrmSimulator({ port: ports.crm });
    cleanups.push(() => crm.close());
    const fakeTelegram = await startFakeTelegram();
    cleanups.push(() => fakeTelegram.close());
    for (const bot of [TELEGRAM_BOT, TELEGRAM_PORTAL_BOT]) {
      fakeTelegram.addBot(bot.token, { username: bot.username, first_name: bot.firstName });
    }
    const fakeTwilio = await startFakeTwilio();
    cleanups.push(() => fakeTwilio.close());
    fakeTwilio.addAccount(TWILIO_ACCOUNT.accountSid, TWILIO_ACCOUNT.authToken);
    fakeTwilio.addPhoneNumber(TWILIO_ACCOUNT.accountSid, TWILIO_ACCOUNT.number);
    const fakeBitrix24 = await startFakeBitrix24({
      clientId: BITRIX24_PORTAL.clientId,
      clientSecret: BITRIX24_PORTAL.clientSecret,
      portal: {
        memberId: BITRIX24_PORTAL.memberId,
        lines: [BITRIX24_PORTAL.line],
        languageId: BITRIX24_PORTAL.languageId,
      },
    });
    cleanups.push(() => fakeBitrix24.close());
    const sink = await startSmtpSink({ auth: { user: MAIL_ACCOUNT.user, password: MAIL_ACCOUNT.password } });
    cleanups.push(() => sink.close());

    const gatewayUrls = Object.fromEntries(CHANNELS.map((c) => [c, gatewayUrl(ports.gateways[c])])) as Record<
      Channel,
      string
    >;
    const hub = new LiveHub();
    const store = new InboxStore();
    const uploads = new UploadStore();
    store.onChange((conversationId) => hub.publish("inbox", { conversationId }));
    const telegram = new TelegramCustomers(fakeTelegram, uploads, (bot, user) =>
      hub.publish("telegram", { bot, user }),
    );
    const sms = new SmsCustomers(fakeTwilio, uploads, (phone) => hub.publish("sms", { phone }));
    const email = new EmailCustomers(sink, ports.smtpInbound, uploads, (address) => hub.publish("email", { address }));
    const openLines = new OpenLines({
      fake: fakeBitrix24,
      operatorName: BITRIX24_PORTAL.operatorName,
      onChat: (chatId) => hub.publish("bitrix24", { chatId }),
      onPortal: () => hub.publish("portal", {}),
    });
    cleanups.push(() => [telegram, sms, email, openLines].forEach((c) => c.close()));
    const bridge = bridgeCrmToInbox({
      crm,
      store,
      channelOfUrl: (url) => CHANNELS.find((c) => url.startsWith(gatewayUrls[c])),
      explainFailure: (channel, contact) => ({ telegram, sms, email })[channel].failureReason(contact),
      onProtocolEvent: (event) => hub.publish("protocol", event),
    });
    cleanups.push(() => bridge.stop());

    const publicBase = `http://127.0.0.1:${ports.web}/`;
    const app = createSandboxApp({
      crm,
      store,
      uploads,
      hub,
      gatewayUrls,
      telegram,
      sms,
      email,
      portal: fakeBitrix24.portal,
      openLines,
      protocolEvents: () => bridge.history(),
      publicUrl: (path) => publicBase + path,
    });

    const onGatewayOutput = (channel: Channel, line: string) => {
      const failure = readLoggedFailure(line);
      if (failure) store.annotate(failure.crmMessageId, failure.final ? failure.reason : `Retrying: ${failure.reason}`);
      options.onGatewayOutput?.(channel, line);
    };
    const processes = await startGateways(config, onGatewayOutput, {
      crmEnv: crm.env,
      ports,
      fakeTelegram: fakeTelegram.url,
      fakeTwilio: fakeTwilio.url,
      fakeBitrix24: fakeBitrix24.url,
      inherited: options.inherited,
    });
    cleanups.push(() => Promise.all(processes.map((p) => p.stop())));
    await Promise.all(CHANNELS.map((c) => provisionGateway(crm, c, gatewayUrls[c], sink)));
    await connectPortal(fakeBitrix24.portal, gatewayUrls.telegram);
    telegram.addBot(TELEGRAM_PORTAL_BOT);
    // Pages open only once every channel works, so nothing a person does can hit a half-set-up gateway.
    const server = await listen(app, ports.web, "SANDBOX_PORT");
    cleanups.push(() => server.close());

    return {
      url: `http://localhost:${server.port}/`,
      port: server.port,
      gatewayUrls,
      smtpInboundPort: ports.smtpInbound,
      crmUrl: crm.url,
      bitrix24: fakeBitrix24,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts the three gateways side by side; if one fails, the others are stopped and the error says which. */
async function startGateways(
  config: SandboxConfig,
  onOutput: (channel: Channel, line: string) => void,
  parts: {
    crmEnv: Record<string, string>;
    ports: SandboxPorts;
    fakeTelegram: string;
    fakeTwilio: string;
    fakeBitrix24: string;
    inherited: Record<string, string | undefined> | undefined;
  },
): Promise<GatewayProcess[]> {
  const started = await Promise.allSettled(
    CHANNELS.map(async (channel) =>
      startGatewayProcess({
        name: channel,
        entry: gatewayEntry(channel),
        url: gatewayUrl(parts.ports.gateways[channel]),
        env: gatewayEnv({
          channel,
          port: parts.ports.gateways[channel],
          dataDir: config.dataDir,
          logLevel: config.logLevel,
          crmEnv: parts.crmEnv,
          fakes: {
            telegramApiRoot: parts.fakeTelegram,
            twilioBaseUrl: parts.fakeTwilio,
            smtpInboundPort: parts.ports.smtpInbound,
            bitrix24OAuthUrl: parts.fakeBitrix24,
          },
          inherited: parts.inherited,
        }),
        onOutput: (line) => onOutput(channel, line),
      }),
    ),
  );
  const running = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failures = started.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
  if (failures.length) {
    await Promise.all(running.map((p) => p.stop()));
    throw new Error(failures.map((f) => f.message).join("\n"));
  }
  return running;
}
