/**
 * @module settings/connection-preview — the "Connection" block of the settings form: which bot,
 * whether its webhook points here, how many updates wait and Telegram's last delivery error —
 * what a manager needs to see when "messages are not arriving".
 */
import { translate, type GatewayRuntime, type MarkdownPreviewer, type Text } from "@switchboard/core";
import { GrammyError } from "grammy";
import type { WebhookInfo } from "grammy/types";
import type { Bots } from "../bot/bots.js";
import { botIdOf, redactToken } from "../bot/redact.js";
import type { WebhookSecrets } from "../db/webhook-secrets.js";
import { webhookUrl } from "../webhook/webhook-address.js";
import type { TelegramSettings } from "./form.js";

const T = {
  notConnected: {
    en_US: "**Not connected.** Paste the bot token from @BotFather and save.",
    ru_RU: "**Не подключено.** Вставьте токен бота из @BotFather и сохраните.",
  },
  rejected: {
    en_US:
      "❌ **Telegram rejects the saved bot token.** It was revoked or replaced in @BotFather: paste the new one and save.",
    ru_RU:
      "❌ **Telegram отклоняет сохранённый токен.** Его отозвали или заменили в @BotFather: вставьте новый и сохраните.",
  },
  unreachable: {
    en_US: "⚠️ Telegram could not be reached right now; the status will show when it answers.",
    ru_RU: "⚠️ Telegram сейчас недоступен; статус появится, когда он ответит.",
  },
  bot: { en_US: "Bot", ru_RU: "Бот" },
  webhookOk: { en_US: "✅ Webhook points to this plugin", ru_RU: "✅ Вебхук указывает на этот плагин" },
  webhookNoSecret: {
    en_US:
      "❌ Webhook points to this plugin, but its secret is not stored here, so updates are refused: save the settings to reconnect",
    ru_RU:
      "❌ Вебхук указывает на этот плагин, но его секрет здесь не сохранён, и обновления отклоняются: сохраните настройки, чтобы переподключить бота",
  },
  webhookNone: {
    en_US: "❌ No webhook is set: save the settings to connect the bot",
    ru_RU: "❌ Вебхук не установлен: сохраните настройки, чтобы подключить бота",
  },
  webhookElsewhere: {
    en_US: "❌ Webhook points elsewhere (another service took the bot?): save the settings to connect it here again",
    ru_RU:
      "❌ Вебхук указывает в другое место (бота подключили к другому сервису?): сохраните настройки, чтобы вернуть его",
  },
  pending: { en_US: "Updates waiting for delivery", ru_RU: "Обновлений ждут доставки" },
  lastError: { en_US: "Last delivery error", ru_RU: "Последняя ошибка доставки" },
  groups: { en_US: "Group chats", ru_RU: "Групповые чаты" },
  groupsOn: { en_US: "accepted", ru_RU: "принимаются" },
  groupsOff: { en_US: "ignored (private chats only)", ru_RU: "игнорируются (только личные чаты)" },
} satisfies Record<string, Text>;

/** Escapes text from Telegram (bot names, error messages) for the markdown preview. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

/** Builds the connection previewer. */
export function createConnectionPreview(
  bots: Bots,
  runtime: GatewayRuntime<TelegramSettings>,
  secrets: WebhookSecrets,
): MarkdownPreviewer<TelegramSettings> {
  return async (tenant, { settings, language }) => {
    const t = (key: keyof typeof T) => translate(T[key], language);
    const token = settings.main?.botToken;
    if (!tenant || typeof token !== "string" || token === "") return t("notConnected");
    let info: WebhookInfo;
    let username: string;
    try {
      username = (await bots.getMe(token)).username;
      info = await bots.api(token).getWebhookInfo();
    } catch (error) {
      return error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)
        ? t("rejected")
        : t("unreachable");
    }
    const expected = webhookUrl(runtime, tenant.publicId);
    const lines = [`**${t("bot")}:** [@${md(username)}](https://t.me/${encodeURIComponent(username)})`];
    const secretStored = (await secrets.find(tenant.id, botIdOf(token))) !== undefined;
    const webhook =
      info.url === expected
        ? secretStored
          ? "webhookOk"
          : "webhookNoSecret"
        : info.url === ""
          ? "webhookNone"
          : "webhookElsewhere";
    lines.push(t(webhook));
    lines.push(`**${t("pending")}:** ${info.pending_update_count}`);
    if (info.last_error_message) {
      const when = info.last_error_date
        ? new Date(info.last_error_date * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC — "
        : "";
      lines.push(`**${t("lastError")}:** ${when}${md(redactToken(info.last_error_message, token))}`);
    }
    lines.push(`**${t("groups")}:** ${settings.main?.allowGroups ? t("groupsOn") : t("groupsOff")}`);
    return lines.join("\n\n");
  };
}
