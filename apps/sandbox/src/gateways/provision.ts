/**
 * @module gateways/provision — what a company admin would do in the CRM, done through the real
 * protocol routes: register the plugin, then save its settings (which the gateway verifies against
 * the fakes: getMe + setWebhook, the Twilio account and number, an SMTP login).
 */
import type { CrmSimulator } from "@switchboard/testkit";
import { MAIL_ACCOUNT, TELEGRAM_BOT, TWILIO_ACCOUNT, tenantOf, type Channel } from "../channels.js";

/** The settings the sandbox saves for a channel; `smtp` is the sink's address for email. */
export function settingsFor(
  channel: Channel,
  smtp: { host: string; port: number },
): Record<string, Record<string, unknown>> {
  switch (channel) {
    case "telegram":
      return { main: { botToken: TELEGRAM_BOT.token, allowGroups: false } };
    case "sms":
      return {
        main: {
          accountSid: TWILIO_ACCOUNT.accountSid,
          authToken: TWILIO_ACCOUNT.authToken,
          sender: TWILIO_ACCOUNT.number,
          statusCallbacks: true,
        },
      };
    case "email":
      return {
        smtp: {
          host: smtp.host,
          port: smtp.port,
          secure: false,
          // The sandbox's SMTP sink on loopback speaks no TLS; a real account never needs this.
          allowPlaintext: true,
          user: MAIL_ACCOUNT.user,
          password: MAIL_ACCOUNT.password,
        },
        mail: {
          from: MAIL_ACCOUNT.from,
          inboundAddress: MAIL_ACCOUNT.address,
          defaultSubject: MAIL_ACCOUNT.defaultSubject,
        },
      };
  }
}

/** Registers the company at a gateway and saves its settings; throws with the gateway's answer on failure. */
export async function provisionGateway(
  crm: CrmSimulator,
  channel: Channel,
  url: string,
  smtp: { host: string; port: number },
): Promise<void> {
  const ref = tenantOf(channel);
  const registered = await crm.register(url, ref);
  if (registered.status !== 200) {
    throw new Error(`Registering at the ${channel} gateway failed: ${registered.status} ${await registered.text()}`);
  }
  const saved = await crm.putSettings(url, ref, settingsFor(channel, smtp));
  if (saved.status !== 200) {
    throw new Error(`Saving the ${channel} settings failed: ${saved.status} ${await saved.text()}`);
  }
}
