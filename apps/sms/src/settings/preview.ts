/**
 * @module settings/preview — the "Webhook" preview of the settings form: the sender, the inbound URL
 * to use, and whether Twilio is already set to call it.
 */
import { translate, type GatewayRuntime, type MarkdownPreviewer, type Text } from "@switchboard/core";
import type { TwilioClients } from "../twilio/client.js";
import { inboundPath, statusPath } from "../webhook/paths.js";
import { senderOf, type Sender, type SmsSettings, type TwilioAccount } from "./form.js";

const T = {
  notSaved: {
    en_US: "Save your Twilio settings to see the webhook address.",
    ru_RU: "Сохраните настройки Twilio, чтобы увидеть адрес вебхука.",
  },
  sender: { en_US: "Sender", ru_RU: "Отправитель" },
  inbound: { en_US: "Inbound URL", ru_RU: "Адрес для входящих" },
  status: { en_US: "Status callback URL", ru_RU: "Адрес статусов" },
  statusOff: { en_US: "off (no delivery statuses)", ru_RU: "выключены (без статусов доставки)" },
  configured: { en_US: "✅ Twilio sends incoming messages here.", ru_RU: "✅ Twilio отправляет входящие сюда." },
  number: {
    en_US: "⚠️ The number's incoming-message webhook is not this URL; save the settings again to set it.",
    ru_RU: "⚠️ Вебхук входящих у номера другой; сохраните настройки ещё раз, чтобы его установить.",
  },
  service: {
    en_US:
      "⚠️ Paste this URL in the Twilio Console: Messaging → Services → your service → Integration → " +
      "“Send a webhook” (Request URL, HTTP POST).",
    ru_RU:
      "⚠️ Вставьте этот адрес в консоли Twilio: Messaging → Services → ваш сервис → Integration → " +
      "«Send a webhook» (Request URL, HTTP POST).",
  },
  unknown: { en_US: "⚠️ Could not check with Twilio right now", ru_RU: "⚠️ Не удалось проверить в Twilio" },
} satisfies Record<string, Text>;

async function currentInboundUrl(
  clients: TwilioClients,
  account: TwilioAccount,
  sender: Sender,
): Promise<string | null> {
  const client = clients.for(account);
  if (sender.kind === "service") {
    return (await client.messaging.v1.services(sender.serviceSid).fetch()).inboundRequestUrl ?? null;
  }
  const numbers = await client.incomingPhoneNumbers.list({ phoneNumber: sender.phoneNumber, limit: 20 });
  return numbers.find((n) => n.phoneNumber === sender.phoneNumber)?.smsUrl ?? null;
}

/** Renders the setup preview for a tenant (from its saved settings, checked live with Twilio). */
export function createSetupPreview(
  clients: TwilioClients,
  runtime: GatewayRuntime<SmsSettings>,
): MarkdownPreviewer<SmsSettings> {
  return async (tenant, input) => {
    const t = (text: Text) => translate(text, input.language);
    const saved = senderOf(input.settings);
    if (!tenant || !saved) return t(T.notSaved);
    const { account, sender } = saved;
    const inboundUrl = runtime.publicUrl(inboundPath(tenant.publicId));
    const lines = [
      `**${t(T.sender)}:** ${sender.kind === "number" ? sender.phoneNumber : `Messaging Service ${sender.serviceSid}`}`,
      "",
      `**${t(T.inbound)}:** \`${inboundUrl}\``,
      "",
      `**${t(T.status)}:** ${account.statusCallbacks !== false ? `\`${runtime.publicUrl(statusPath(tenant.publicId))}\`` : t(T.statusOff)}`,
      "",
    ];
    try {
      const current = await currentInboundUrl(clients, account, sender);
      lines.push(current === inboundUrl ? t(T.configured) : t(sender.kind === "number" ? T.number : T.service));
    } catch (error) {
      runtime.logger.warn(
        { event: "settings.preview_failed", tenant: tenant.id, err: error },
        "setup preview could not reach Twilio",
      );
      lines.push(`${t(T.unknown)}: ${(error as Error).message}`);
    }
    return lines.join("\n");
  };
}
