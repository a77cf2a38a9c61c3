/**
 * @module settings/form — the settings form: group `main` with `botToken`, `allowGroups` and a
 * live connection status (the names are fixed: the CRM and our tools use them).
 */
import { defineSettingsForm, type SettingsOf } from "@switchboard/core";

/** Name of the markdown previewer showing the connection state. */
export const CONNECTION_PREVIEW = "connection";

/** Loose shape check only: Telegram itself says whether a token is valid (getMe on save). */
const TOKEN_SHAPE = /^\d{3,20}:[A-Za-z0-9_-]{8,}$/;

/** The settings form of the gateway. */
export const settingsForm = defineSettingsForm({
  title: { en_US: "Telegram bot", ru_RU: "Telegram-бот" },
  description: {
    en_US:
      "Create a bot with @BotFather in Telegram, paste its token here and save. Customers write to the bot; managers answer from the CRM.",
    ru_RU:
      "Создайте бота через @BotFather в Telegram, вставьте его токен и сохраните. Клиенты пишут боту, менеджеры отвечают из CRM.",
  },
  groups: {
    main: {
      title: { en_US: "Bot", ru_RU: "Бот" },
      fields: {
        botToken: {
          type: "password",
          title: { en_US: "Bot token", ru_RU: "Токен бота" },
          description: {
            en_US:
              "From @BotFather, looks like 123456789:AA… Saving checks it with Telegram and connects the bot's webhook to this plugin.",
            ru_RU:
              "Выдаёт @BotFather, вида 123456789:AA… При сохранении токен проверяется в Telegram и вебхук бота подключается к плагину.",
          },
          required: true,
          validate: (value) =>
            typeof value === "string" && !TOKEN_SHAPE.test(value)
              ? {
                  en_US:
                    "This does not look like a bot token (digits, a colon, then letters): copy it from @BotFather again",
                  ru_RU:
                    "Это не похоже на токен бота (цифры, двоеточие, затем буквы): скопируйте его из @BotFather ещё раз",
                }
              : undefined,
        },
        allowGroups: {
          type: "boolean",
          title: { en_US: "Accept group chats", ru_RU: "Принимать групповые чаты" },
          description: {
            en_US:
              "Off: only private chats with the bot reach the CRM. On: groups the bot is in become conversations too (with privacy mode on, the bot only sees commands and replies to it).",
            ru_RU:
              "Выключено: в CRM попадают только личные чаты с ботом. Включено: группы, где состоит бот, тоже становятся диалогами (в режиме приватности бот видит только команды и ответы ему).",
          },
          default: false,
        },
        status: {
          type: "markdownPreview",
          title: { en_US: "Connection", ru_RU: "Подключение" },
          previewer: CONNECTION_PREVIEW,
        },
      },
    },
  },
});

/** Settings data of a Telegram tenant, as the form declares it. */
export type TelegramSettings = SettingsOf<typeof settingsForm>;
